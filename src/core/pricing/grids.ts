/**
 * The grids of the published offers (docs/domain.md, "Tariffs"), as data (€ excl. VAT, written in micro-euros:
 * 30_000 µ€ = 0.030 €). An account subscribes to an offer's grid and to the grids of its options; an aggregator
 * writes its own grids the same way, or derives an account's prices from these with `overrideCharges`.
 */
import type { Band, TariffGrid } from './types.ts';

const EURO = 1_000_000;
const priced = (bands: readonly (readonly [from: number, unitPrice: number])[]): Band[] => bands.map(([from, unitPrice]) => ({ from, unitPrice }));

const OPS_SOURCE = 'Orange OPS offer (2016), « Opérateur Push SMS », §La grille tarifaire (tarifs en vigueur au 15/10/2016)';

/**
 * Orange OPS: SMS-MT delivered to the user, summed over all the contract's short codes; one-off short-code fees;
 * monthly fee per short code by rank; throughput options per short code on top of that fee.
 */
export const ORANGE_OPS_2016: TariffGrid = {
  id: 'orange-ops',
  version: '2016',
  name: 'Orange Opérateur Push SMS',
  source: `${OPS_SOURCE}. Short codes ranked over the contract, each at its rank's price (1st–20th 150 €, 21st on 500 €); the offer also allows "all at 500 € once there are 21": set the tiers' semantics to "volume". Throughput above 20/s is « soumise à devis »: the listed prices are defaults.`,
  effectiveFrom: '2016-10-15',
  charges: [
    { kind: 'per-unit', rule: 'sms-mt', label: 'SMS-MT delivered', unit: 'sms', billable: 'when-delivered', unitPrice: 30_000 },
    { kind: 'one-off', rule: 'short-code-activation-administrative', label: 'Short code activation, administrative fee', event: 'short-code-activation', price: 300 * EURO },
    { kind: 'one-off', rule: 'short-code-activation-technical', label: 'Short code activation, technical fee', event: 'short-code-activation', price: 280 * EURO },
    { kind: 'one-off', rule: 'throughput-change', label: 'Throughput change', event: 'throughput-change', price: 150 * EURO },
    { kind: 'one-off', rule: 'short-code-modification', label: 'Other change (IP address, termination, closure)', event: 'short-code-modification', price: 150 * EURO },
    {
      kind: 'per-short-code',
      rule: 'short-code-monthly',
      label: 'Short code, monthly (10 op/s included)',
      unitPrice: 150 * EURO,
      tiers: { semantics: 'graduated', bands: priced([[1, 150 * EURO], [21, 500 * EURO]]) },
      rankedPer: 'contract',
    },
    {
      kind: 'throughput-option',
      rule: 'throughput-option',
      label: 'Throughput option, monthly per short code',
      standardPerSecond: 10,
      prices: [
        { perSecond: 20, monthlyPrice: 800 * EURO },
        { perSecond: 50, monthlyPrice: 1600 * EURO, onQuote: true },
        { perSecond: 100, monthlyPrice: 2500 * EURO, onQuote: true },
        { perSecond: 150, monthlyPrice: 3000 * EURO, onQuote: true },
      ],
    },
  ],
};

/** OPS option: basic qualification (operator look-up of MSISDNs), a monthly fee per company plus each MSISDN qualified. */
export const ORANGE_OPS_QUALIFICATION_2016: TariffGrid = {
  id: 'orange-ops-qualification',
  version: '2016',
  name: 'Orange OPS, basic qualification option',
  source: `${OPS_SOURCE}, Les options: Qualification de base, notes (5) and (6)`,
  effectiveFrom: '2016-10-15',
  charges: [
    { kind: 'monthly', rule: 'qualification-monthly', label: 'Basic qualification, monthly per company', price: 200 * EURO },
    { kind: 'per-unit', rule: 'msisdn-qualified', label: 'MSISDN qualified', unit: 'qualified-msisdn', billable: 'always', unitPrice: 10_000 },
  ],
};

/**
 * Qualification as an account pays it: Orange OPS's prices for the option passed on. Reading: the offer charges the
 * aggregator its 200 € per company every month; an account that qualified no number in a month does not use the
 * option that month, so it owes its monthly fee only in a month with at least one MSISDN qualified.
 */
export const QUALIFICATION_OPS_2016: TariffGrid = {
  id: 'qualification',
  version: 'ops-2016',
  name: 'Qualification of numbers (operator lookup), at Orange OPS prices',
  source: `${OPS_SOURCE}, Les options: Qualification de base, notes (5) and (6). Reading for an account: the monthly fee per company is due only in a month when the account qualified at least one MSISDN.`,
  effectiveFrom: '2016-10-15',
  charges: [
    { kind: 'monthly', rule: 'qualification-monthly', label: 'Qualification, monthly per company', price: 200 * EURO, onlyIfUsed: 'qualified-msisdn' },
    { kind: 'per-unit', rule: 'msisdn-qualified', label: 'MSISDN qualified', unit: 'qualified-msisdn', billable: 'always', unitPrice: 10_000 },
  ],
};

/** OPS option: an alphanumeric sender (OADC modification) on a short code. */
export const ORANGE_OPS_OADC_2016: TariffGrid = {
  id: 'orange-ops-oadc',
  version: '2016',
  name: 'Orange OPS, OADC modification option',
  source: `${OPS_SOURCE}, Les options: L’option modification OAdC`,
  effectiveFrom: '2016-10-15',
  charges: [
    { kind: 'per-short-code', rule: 'oadc-monthly', label: 'OADC modification, monthly per short code', option: 'oadc', unitPrice: 150 * EURO, rankedPer: 'contract' },
    { kind: 'one-off', rule: 'oadc-option-change', label: 'OADC option activation or deactivation', event: 'oadc-option-change', price: 280 * EURO },
  ],
};

/**
 * SMS vert (34ABC) and Géo Présence (35ABC) short codes, ranked in each range. The offer says « 1 à 10 N° par
 * tranche » at 150 € and « à partir du 10ème N° » at 500 €: the 10th is in both; read 1st–9th at 150, 10th on at 500.
 */
export const ORANGE_OPS_SMS_VERT_GEO_PRESENCE_2016: TariffGrid = {
  id: 'orange-ops-sms-vert-geo-presence',
  version: '2016',
  name: 'Orange OPS, SMS vert and Géo Présence short codes',
  source: `${OPS_SOURCE}, Les options: Numéro court SMS vert et Géo Présence. Overlapping 10th read as 1st–9th at 150 €, 10th on at 500 €, per range; independent of the OPS monthly fee per short code (note (1)), so charged in addition to it.`,
  effectiveFrom: '2016-10-15',
  charges: [
    {
      kind: 'per-short-code',
      rule: 'sms-vert-geo-presence-monthly',
      label: 'SMS vert / Géo Présence short code, monthly',
      option: 'sms-vert-geo-presence',
      unitPrice: 150 * EURO,
      tiers: { semantics: 'graduated', bands: priced([[1, 150 * EURO], [10, 500 * EURO]]) },
      rankedPer: 'range',
    },
  ],
};

const M2M_SOURCE = 'Orange M2M price list (2012), « tarifs des offres Orange Machine To Machine », mars 2012';

/**
 * M2M SMS: a discount on the 0.125 € base price by the fleet's SMS sent in the month, read as the whole month at
 * the price of the band reached.
 */
export const ORANGE_M2M_SMS_2012: TariffGrid = {
  id: 'orange-m2m-sms',
  version: '2012',
  name: 'Orange Machine To Machine, SMS',
  source: `${M2M_SOURCE}, SMS (tarif dégressif). Listed prices used as given (0.056 € is the list's price, not 0.125 € − 55 %). Whole month at the band reached; date read as 1 March 2012.`,
  effectiveFrom: '2012-03-01',
  charges: [
    {
      kind: 'per-unit',
      rule: 'sms',
      label: 'SMS sent',
      unit: 'sms',
      billable: 'always',
      unitPrice: 125_000,
      tiers: { semantics: 'volume', bands: priced([[1, 70_000], [10_000, 60_000], [50_000, 56_000]]) },
    },
  ],
};

/**
 * SMS Internet: application servers to Orange mobiles through a ShortID. The price list's footnote "only messages
 * actually delivered are billed" is attached to the first price; it is applied here to the whole grid.
 */
export const ORANGE_SMS_INTERNET_2012: TariffGrid = {
  id: 'orange-sms-internet',
  version: '2012',
  name: 'Orange SMS Internet',
  source: `${M2M_SOURCE}, l'offre SMS Internet. Footnote (1) (only delivered messages billed) applied to every band, and the band found from the delivered count; whole month at the band reached.`,
  effectiveFrom: '2012-03-01',
  charges: [
    { kind: 'one-off', rule: 'short-id-activation', label: 'ShortID set-up', event: 'short-id-activation', price: 75 * EURO },
    { kind: 'per-short-code', rule: 'short-id-monthly', label: 'ShortID, monthly', unitPrice: 140 * EURO, rankedPer: 'contract' },
    { kind: 'per-short-code', rule: 'pop-up-monthly', label: 'Pop-up option, monthly per ShortID', option: 'pop-up', unitPrice: 60 * EURO, rankedPer: 'contract' },
    {
      kind: 'per-unit',
      rule: 'sms',
      label: 'SMS delivered',
      unit: 'sms',
      billable: 'when-delivered',
      unitPrice: 94_000,
      tiers: { semantics: 'volume', bands: priced([[1, 94_000], [2_001, 76_000], [30_001, 70_000], [50_001, 60_000]]) },
    },
  ],
};

/**
 * Localisation (cell position X,Y): every hit billed, even when location is refused, the phone off or out of
 * coverage; a percentage off by the month's hits.
 */
export const ORANGE_LOCALISATION_2012: TariffGrid = {
  id: 'orange-localisation',
  version: '2012',
  name: 'Orange M2M localisation service',
  source: `${M2M_SOURCE}, le service de localisation. Whole month at the discount band reached; the 6-month minimum subscription is a contract term, not rated here.`,
  effectiveFrom: '2012-03-01',
  charges: [
    { kind: 'one-off', rule: 'localisation-activation', label: 'Localisation set-up', event: 'localisation-activation', price: 200 * EURO },
    { kind: 'monthly', rule: 'localisation-monthly', label: 'Localisation, monthly', price: 100 * EURO },
    {
      kind: 'per-unit',
      rule: 'localisation-hit',
      label: 'Localisation hit',
      unit: 'localisation-hit',
      billable: 'always',
      unitPrice: 80_000,
      tiers: {
        semantics: 'volume',
        bands: [
          { from: 1, discountBasisPoints: 0 },
          { from: 2_001, discountBasisPoints: 1_700 },
          { from: 30_001, discountBasisPoints: 2_400 },
          { from: 50_001, discountBasisPoints: 3_100 },
          { from: 500_001, discountBasisPoints: 3_900 },
          { from: 1_000_001, discountBasisPoints: 4_800 },
        ],
      },
    },
  ],
};

/** PROJETCOM bulk campaigns, advertised at 0.04 € per SMS; the offer is undated and silent on delivery. */
export const PROJETCOM_BULK_SMS: TariffGrid = {
  id: 'projetcom-bulk-sms',
  version: 'advertised',
  name: 'PROJETCOM bulk SMS campaigns',
  source: 'PROJETCOM terms, « B.I.M. SMS », heading: « Envoi campagne SMS professionnel en masse à 0,04 € ». Undated; read as billed per SMS sent.',
  effectiveFrom: null,
  charges: [{ kind: 'per-unit', rule: 'sms', label: 'SMS sent', unit: 'sms', billable: 'always', unitPrice: 40_000 }],
};

export const BUILT_IN_GRIDS: readonly TariffGrid[] = [
  ORANGE_OPS_2016,
  ORANGE_OPS_QUALIFICATION_2016,
  QUALIFICATION_OPS_2016,
  ORANGE_OPS_OADC_2016,
  ORANGE_OPS_SMS_VERT_GEO_PRESENCE_2016,
  ORANGE_M2M_SMS_2012,
  ORANGE_SMS_INTERNET_2012,
  ORANGE_LOCALISATION_2012,
  PROJETCOM_BULK_SMS,
];

/** The tariff grid campaigns are priced with: one of the built-in grids, with a per-SMS price. */
export function campaignTariff(id: string): TariffGrid {
  const usable = BUILT_IN_GRIDS.filter((g) => g.charges.some((c) => c.kind === 'per-unit' && c.unit === 'sms'));
  const grid = usable.find((g) => g.id === id);
  if (!grid) throw new Error(`campaigns.tariff "${id}" is not a built-in grid with a per-SMS price (one of ${[...new Set(usable.map((g) => g.id))].join(', ')})`);
  return grid;
}
