import { visibleBrands } from './access.ts';
import { Type } from '@sinclair/typebox';
import type { Api, HttpDeps } from './server.ts';

const Inbound = Type.Object(
  {
    id: Type.String(),
    from: Type.String({ description: 'The sender as the SMSC gave it' }),
    to: Type.String({ description: 'The short code it was sent to' }),
    text: Type.String(),
    intent: Type.String({ description: 'stop, start, contact or other (see docs/keywords.md)' }),
    keyword: Type.Union([Type.String(), Type.Null()]),
    brand: Type.Union([Type.String(), Type.Null()], { description: "The brand it was attributed to; '*' for every brand of the account" }),
    receivedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A message received from a handset' },
);

/** The MOs (replies from handsets) attributed to the account: STOP, START and CONTACT included, with what was done. */
export async function inboundRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.get(
    '/inbound',
    {
      schema: {
        summary: 'List the messages received from handsets (MOs) attributed to this account, newest first',
        tags: ['inbound'],
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          before: Type.Optional(Type.String({ description: 'The id of the last MO of the previous page' })),
        }),
        response: { 200: Type.Object({ inbound: Type.Array(Inbound) }) },
      },
    },
    async (request) => {
      const rows = await deps.inbound.listInbound(request.account.id, request.query.limit, request.query.before, visibleBrands(request) ?? undefined);
      return { inbound: rows.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })) };
    },
  );
}
