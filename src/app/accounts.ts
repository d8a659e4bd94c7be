/** What the doors take of an account. */
import type { Account } from './ports/accounts.ts';
import type { Sender } from './submit-messages.ts';

/** The account as the intake sees it: whose messages, which short codes and brand, the cap policy, its settings. */
export function senderOf(account: Account): Sender {
  const { id: accountId, name: accountName, defaultShortCode, brand, capPolicy, shortCodes, settings } = account;
  return { accountId, accountName, defaultShortCode, brand, capPolicy, shortCodes, settings };
}
