/** The seller on test invoices: a company with every legal mention an invoice needs (docs/billing.md, "Legal mentions"). */
export const SELLER = {
  legalName: 'Relais Télécom',
  legalForm: 'SAS',
  shareCapital: '10 000 €',
  siren: '732829320',
  rcs: 'RCS Paris',
  vatNumber: 'FR44732829320',
  postalAddress: '12 rue de la Paix, 75002 Paris',
  email: 'facturation@relais.example',
  iban: 'FR76 3000 6000 0112 3456 7890 189',
  bic: 'AGRIFRPP',
};
