/**
 * An invoice's legal content (docs/billing.md, "Legal mentions", "VAT"): the VAT of each buyer, amounts to the
 * cent, and the mentions a French invoice and credit note must carry. Pure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceAndBase } from '../../../src/adapters/invoices/factur-x.ts';
import { centAmounts, DEFAULT_LATE_PENALTY, formatEuros, legalDocument, monthPeriod, vatAmount, vatTreatment, type LegalSnapshot } from '../../../src/core/billing/index.ts';
import { frenchLabel } from '../../../src/core/billing/legal.ts';

const identity = (vatNumber: string | null, postalAddress: string | null) => ({ vatNumber, postalAddress });

describe('VAT per account', () => {
  it('is 20 % in metropolitan France, 8.5 % in Guadeloupe, Martinique and La Réunion, none in Guyane and Mayotte', () => {
    expect(vatTreatment(identity('FR61552100554', '3 place du Marché, 69002 Lyon'))).toMatchObject({ basisPoints: 2000, category: 'S', mention: null });
    for (const postcode of ['97110', '97200', '97400']) expect(vatTreatment(identity(null, `1 rue X, ${postcode} Ville`))).toMatchObject({ basisPoints: 850, category: 'S' });
    for (const postcode of ['97300', '97600']) {
      expect(vatTreatment(identity(null, `1 rue X, ${postcode} Ville`))).toMatchObject({ basisPoints: 0, category: 'E', mention: expect.stringContaining('article 294 du CGI') });
    }
    expect(vatTreatment(identity(null, null))).toMatchObject({ basisPoints: 2000 });
    // A street number is not a postal code.
    expect(vatTreatment(identity(null, '97 rue de Rivoli, 75001 Paris'))).toMatchObject({ basisPoints: 2000 });
  });

  it('is reverse charged for a business of another EU state, with the mention Autoliquidation', () => {
    for (const vat of ['DE136695976', 'BE0123456749', 'EL094014201']) {
      expect(vatTreatment(identity(vat, 'Unter den Linden 1, 10117 Berlin'))).toEqual({
        basisPoints: 0,
        category: 'AE',
        mention: expect.stringMatching(/^Autoliquidation/),
        exemptionCode: 'VATEX-EU-AE',
      });
    }
    // Not for a French VAT number, nor outside the EU.
    expect(vatTreatment(identity('FR44732829320', null)).category).toBe('S');
    expect(vatTreatment(identity('CHE123456789', null)).category).toBe('S');
  });

  it("follows the plan's choice over the identity", () => {
    expect(vatTreatment(identity('DE136695976', null), 'metropolitan').basisPoints).toBe(2000);
    expect(vatTreatment(identity(null, '75001 Paris'), 'reunion').basisPoints).toBe(850);
    expect(vatTreatment(identity(null, '75001 Paris'), 'reverse-charge').category).toBe('AE');
  });
});

describe('amounts to the cent', () => {
  it('rounds each line half up to the cent, sums them, and the VAT of the total once', () => {
    const line = (amount: number) => ({ grid: 'g@1', rule: 'sms', label: 'SMS sent', quantity: 1, unitPrice: amount, discountBasisPoints: 0, amount });
    expect(centAmounts([line(524_662_500), line(5_000), line(4_999)], 2000)).toMatchObject({ total: 524_670_000, vat: 104_930_000, totalWithVat: 629_600_000 });
    expect(vatAmount(3_000_000, 850)).toBe(260_000); // 0.255 € → 0.26 €
    expect(vatAmount(370_350_000, 2000)).toBe(74_070_000);
  });

  it('keeps every amount a whole number of cents and the VAT within half a cent of the exact figure', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 1, maxLength: 20 }), fc.constantFrom(0, 850, 2000), (amounts, rate) => {
        const lines = amounts.map((amount) => ({ grid: 'g@1', rule: 'sms', label: 'x', quantity: 1, unitPrice: amount, discountBasisPoints: 0, amount }));
        const out = centAmounts(lines, rate);
        expect(out.lines.every((l) => l.amount % 10_000 === 0)).toBe(true);
        expect(out.total).toBe(out.lines.reduce((sum, l) => sum + l.amount, 0));
        expect(Math.abs(out.vat - (out.total * rate) / 10_000)).toBeLessThanOrEqual(5_000);
        expect(out.vat % 10_000).toBe(0);
        expect(out.totalWithVat).toBe(out.total + out.vat);
      }),
    );
  });

  it('states a price finer than the cent per base quantity for Factur-X (0.0425 € = 4.25 € per 100)', () => {
    expect(priceAndBase(42_500)).toEqual({ price: '4.25', base: 100 });
    expect(priceAndBase(30_000)).toEqual({ price: '0.03', base: 1 });
    expect(priceAndBase(150_000_000)).toEqual({ price: '150.00', base: 1 });
    expect(priceAndBase(1)).toEqual({ price: '0.01', base: 10_000 });
  });

  it('writes euros the French way', () => {
    expect(formatEuros(1_234_567_890)).toBe('1\u202f234,57 €');
    expect(formatEuros(30_000)).toBe('0,03 €');
  });
});

describe('legal mentions', () => {
  const snapshot: LegalSnapshot = {
    seller: { legalName: 'Relais Télécom', siren: '732829320', vatNumber: 'FR44732829320', postalAddress: '12 rue de la Paix, 75002 Paris', iban: 'FR7630006000011234567890189' },
    buyer: { legalName: 'Berliner SMS GmbH', siren: null, siret: null, vatNumber: 'DE136695976', postalAddress: 'Unter den Linden 1, 10117 Berlin', contactEmail: null, contactPhone: null, accountName: 'berlin' },
    vat: vatTreatment(identity('DE136695976', null)),
    dueDate: '2026-12-31',
    period: monthPeriod('2026-11'),
    terms: { days: 30, latePenalty: DEFAULT_LATE_PENALTY },
  };
  const lines = [{ grid: 'g@1', rule: 'sms', label: 'SMS sent', quantity: 100, unitPrice: 42_500, discountBasisPoints: 0, amount: 4_250_000, tier: { from: 1, to: null } }];

  it('an invoice: dates, period, due date, payment terms, late-payment penalties, the 40 € indemnity, the VAT mention', () => {
    const doc = legalDocument({ kind: 'invoice', number: 'F2026-000007', issuedAt: new Date('2026-11-30T23:30:00Z'), lines, total: 4_250_000, vatBasisPoints: 0, vat: 0, totalWithVat: 4_250_000, snapshot });
    expect(doc).toMatchObject({ issueDate: '2026-12-01', period: { start: '2026-11-01', end: '2026-11-30' }, dueDate: '2026-12-31', vatCategory: 'AE', corrects: null });
    const text = doc.mentions.join('\n');
    expect(text).toContain('Autoliquidation');
    expect(text).toContain('à 30 jours date de facture, soit au plus tard le 31/12/2026');
    expect(text).toContain('IBAN FR7630006000011234567890189');
    expect(text).toContain("Pas d'escompte pour paiement anticipé");
    expect(text).toContain('pénalités exigibles sans rappel au taux');
    expect(text).toContain('indemnité forfaitaire pour frais de recouvrement de 40 €');
    expect(doc.lines).toEqual([{ label: 'SMS envoyés, tranche 1 et plus', quantity: 100, unitPrice: 42_500, amount: 4_250_000 }]);
  });

  it('a credit note: the invoice it corrects and why, no due date nor penalties', () => {
    const doc = legalDocument({
      kind: 'credit-note',
      number: 'A2026-000001',
      issuedAt: new Date('2026-12-05T10:00:00Z'),
      lines,
      total: 4_250_000,
      vatBasisPoints: 0,
      vat: 0,
      totalWithVat: 4_250_000,
      snapshot: { ...snapshot, dueDate: null },
      corrects: { number: 'F2026-000007', issuedAt: new Date('2026-12-01T08:00:00Z') },
      reason: 'SMS facturés deux fois',
    });
    expect(doc).toMatchObject({ corrects: { number: 'F2026-000007', issueDate: '2026-12-01' }, dueDate: null });
    expect(doc.mentions.join('\n')).toContain('Avoir sur la facture n° F2026-000007 du 01/12/2026 – motif : SMS facturés deux fois');
    expect(doc.mentions.join('\n')).not.toContain('40 €');
  });

  it('labels the lines in French, keeping their detail', () => {
    expect(frenchLabel({ rule: 'short-code-monthly', label: 'Short code, monthly (36001)' })).toBe('Numéro court, abonnement mensuel (36001)');
    expect(frenchLabel({ rule: 'unknown-rule', label: 'Custom fee' })).toBe('Custom fee');
  });
});
