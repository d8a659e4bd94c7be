import type { Migration } from 'kysely';
import * as spine from './0001-spine.ts';
import * as consent from './0002-consent.ts';
import * as smppServer from './0003-smpp-server.ts';
import * as email from './0004-email.ts';
import * as campaigns from './0005-campaigns.ts';
import * as contactsBaseLock from './0006-contacts-base-lock.ts';
import * as provisioning from './0007-provisioning.ts';
import * as interop from './0008-interop.ts';
import * as people from './0009-people.ts';
import * as peopleRights from './0010-people-rights.ts';
import * as signIn from './0011-sign-in.ts';
import * as audit from './0012-audit.ts';
import * as billing from './0013-billing.ts';
import * as retention from './0014-retention.ts';
import * as incidents from './0015-incidents.ts';
import * as availability from './0016-availability.ts';
import * as invoices from './0017-invoices.ts';
import * as alarms from './0018-alarms.ts';
import * as numbering from './0019-numbering.ts';
import * as portal from './0020-portal.ts';
import * as qualification from './0021-qualification.ts';
import * as routing from './0022-routing.ts';
import * as qualificationBilling from './0023-qualification-billing.ts';
import * as geoPresence from './0024-geo-presence.ts';
import * as routeDecisions from './0025-route-decisions.ts';

/** Every migration, in order. Names are permanent: add new ones, never rename or edit applied ones. */
export const migrations: Record<string, Migration> = {
  '0001-spine': spine,
  '0002-consent': consent,
  '0003-smpp-server': smppServer,
  '0004-email': email,
  '0005-campaigns': campaigns,
  '0006-contacts-base-lock': contactsBaseLock,
  '0007-provisioning': provisioning,
  '0008-interop': interop,
  '0009-people': people,
  '0010-people-rights': peopleRights,
  '0011-sign-in': signIn,
  '0012-audit': audit,
  '0013-billing': billing,
  '0014-retention': retention,
  '0015-incidents': incidents,
  '0016-availability': availability,
  '0017-invoices': invoices,
  '0018-alarms': alarms,
  '0019-numbering': numbering,
  '0020-portal': portal,
  '0021-qualification': qualification,
  '0022-routing': routing,
  '0023-qualification-billing': qualificationBilling,
  '0024-geo-presence': geoPresence,
  '0025-route-decisions': routeDecisions,
};
