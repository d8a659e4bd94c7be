/**
 * Brands at the HTTP door (docs/accounts.md, "Isolation"): a principal limited to some brands cannot act as
 * another brand of its account (403), and the objects of a brand it does not reach do not exist for it (404, as
 * those of another account).
 */
import type { FastifyRequest } from 'fastify';
import { InvalidRequest, NotFound } from '../../app/errors.ts';
import { reachesBrand } from '../../core/access/rights.ts';
import { ALL_BRANDS } from '../../core/consent/index.ts';
import { Forbidden } from './problem.ts';

/**
 * The brand a request names (or the account's own when it names none), once checked: one of the account's brands
 * (422 otherwise) that the principal reaches (403 otherwise). `"*"` (every brand, an opt-out) needs every brand.
 */
export function brandToActAs(request: FastifyRequest, named: string | undefined, field = '/brand'): string {
  const brand = named ?? request.account.brand;
  if (brand === ALL_BRANDS) {
    if (request.principal.kind !== 'staff' && request.principal.brands !== null) throw new Forbidden(`"*" speaks for every brand of the account; this ${who(request)} is limited to ${request.principal.brands.join(', ')}`);
    return brand;
  }
  if (!request.account.brands.includes(brand)) {
    throw new InvalidRequest([{ field, reason: `"${brand}" is not one of the account's brands (${request.account.brands.join(', ')}); its administrator adds brands in the account's settings` }]);
  }
  if (!reachesBrand(request.principal, brand)) throw new Forbidden(`this ${who(request)} may not act as the brand "${brand}"`);
  return brand;
}

/** Throws NotFound (as for another account's object) when the object's brand is one the principal does not reach. */
export function hideOtherBrand(request: FastifyRequest, brand: string | null, what: string): void {
  if (!reaches(request, brand)) throw new NotFound(what);
}

/** Whether the principal sees an object of this brand: null or "*" (every brand) needs every brand. */
export function reaches(request: FastifyRequest, brand: string | null): boolean {
  const p = request.principal;
  if (p.kind === 'staff' || p.brands === null) return true;
  return brand !== null && brand !== ALL_BRANDS && p.brands.includes(brand);
}

/** The brands a list must be limited to (null: every brand). */
export function visibleBrands(request: FastifyRequest): readonly string[] | null {
  const p = request.principal;
  return p.kind === 'staff' ? null : p.brands;
}

function who(request: FastifyRequest): string {
  return request.principal.kind === 'key' ? 'API key' : request.principal.kind === 'user' ? 'user' : 'caller';
}
