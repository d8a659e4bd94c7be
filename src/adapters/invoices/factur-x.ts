/**
 * Factur-X (EN 16931 profile): the invoice's CII XML embedded in its PDF made PDF/A-3, by @e-invoice-eu/core
 * (docs/billing.md, "Factur-X" says why this library). Relais gives it the PDF drawn by invoice-pdf.ts (fonts
 * embedded) and the invoice in the library's EN 16931 data model (UBL names); the library writes the CII XML,
 * attaches it as factur-x.xml (AFRelationship Alternative), and adds the XMP metadata and the sRGB output intent.
 */
import { InvoiceService, type EInvoiceFormat, type FormatFactoryService, type Invoice } from '@e-invoice-eu/core';
import type { LegalDocument, SellerIdentity } from '../../core/billing/index.ts';
import { addressLines, renderInvoicePdf, sellerLegalLine, sellerOf } from './invoice-pdf.ts';

export const FACTUR_X_FORMAT = 'Factur-X-EN16931';

/** µ€ as euros with two decimals, « 12.34 » (amounts are whole cents). */
const amount = (microEuros: number): string => (microEuros / 1_000_000).toFixed(2);
/**
 * A unit price finer than the cent (0.0425 € per SMS) as a price per base quantity (42.50 € per 1000, EN 16931
 * BT-146/BT-149): the library takes prices to the cent only.
 */
export function priceAndBase(microEuros: number): { price: string; base: number } {
  let base = 1;
  while ((microEuros * base) % 10_000 !== 0 && base < 10_000) base *= 10;
  return { price: amount(microEuros * base), base };
}
const rate = (basisPoints: number): string => String(basisPoints / 100);

/** A postal address in EN 16931's terms: lines, then the postal code and city found in the last line that has them. */
function postalAddress(text: string | null | undefined, country: string) {
  const lines = addressLines(text);
  const index = lines.findLastIndex((line) => /^\d{5}\s+\S/.test(line));
  const cityLine = index >= 0 ? /^(\d{5})\s+(.+)$/.exec(lines[index]!) : null;
  const street = lines.filter((_, k) => k !== index);
  return {
    ...(street[0] ? { 'cbc:StreetName': street[0] } : {}),
    ...(street[1] ? { 'cbc:AdditionalStreetName': street[1] } : {}),
    ...(street[2] ? { 'cac:AddressLine': { 'cbc:Line': street.slice(2).join(', ') } } : {}),
    ...(cityLine ? { 'cbc:CityName': cityLine[2]!, 'cbc:PostalZone': cityLine[1]! } : {}),
    'cac:Country': { 'cbc:IdentificationCode': country },
  };
}

/** The buyer's country: its VAT number's, else France (an overseas department is France for VAT numbers too). */
const countryOf = (vatNumber: string | null): string => (vatNumber && /^[A-Z]{2}/.test(vatNumber) ? (vatNumber.startsWith('EL') ? 'GR' : vatNumber.slice(0, 2)) : 'FR');

/** The document in @e-invoice-eu/core's EN 16931 data model. */
export function facturXData(doc: LegalDocument): Invoice {
  const seller = sellerOf(doc);
  const buyer = doc.buyer;
  const category = {
    'cbc:ID': doc.vatCategory,
    'cbc:Percent': rate(doc.vatBasisPoints),
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  };
  const vatMention = doc.mentions[0] && doc.vatCategory !== 'S' ? doc.mentions[0] : undefined;
  const invoice = {
    'ubl:Invoice': {
      'cbc:ID': doc.number,
      'cbc:IssueDate': doc.issueDate,
      ...(doc.dueDate ? { 'cbc:DueDate': doc.dueDate } : {}),
      'cbc:InvoiceTypeCode': doc.kind === 'invoice' ? '380' : '381',
      // One note (BT-22): the library would put several in one IncludedNote, which the CII schema refuses.
      'cbc:Note': [doc.mentions.join('\n')],
      'cbc:DocumentCurrencyCode': 'EUR',
      'cbc:BuyerReference': buyer.accountName,
      ...(doc.period ? { 'cac:InvoicePeriod': { 'cbc:StartDate': doc.period.start, 'cbc:EndDate': doc.period.end } } : {}),
      // BT-25/BT-26 (the invoice a credit note corrects) are not given here: @e-invoice-eu/core 2.3.4's CII mapping
      // reads them where its own input schema forbids them. They are written into the XML below (withPrecedingInvoice).
      'cac:AccountingSupplierParty': { 'cac:Party': sellerParty(seller) },
      'cac:AccountingCustomerParty': {
        'cac:Party': {
          ...(buyer.contactEmail ? { 'cbc:EndpointID': buyer.contactEmail, 'cbc:EndpointID@schemeID': 'EM' } : {}),
          'cac:PostalAddress': postalAddress(buyer.postalAddress, countryOf(buyer.vatNumber)),
          ...(buyer.vatNumber ? { 'cac:PartyTaxScheme': { 'cbc:CompanyID': buyer.vatNumber, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } } : {}),
          'cac:PartyLegalEntity': {
            'cbc:RegistrationName': buyer.legalName ?? buyer.accountName,
            ...(buyer.siren ? { 'cbc:CompanyID': buyer.siren, 'cbc:CompanyID@schemeID': '0002' } : {}),
          },
        },
      },
      // The CII schema wants the delivery; a service's is the end of its period (BT-72).
      'cac:Delivery': { 'cbc:ActualDeliveryDate': doc.period?.end ?? doc.issueDate },
      ...(seller.iban && doc.kind === 'invoice'
        ? { 'cac:PaymentMeans': [{ 'cbc:PaymentMeansCode': '58', 'cac:PayeeFinancialAccount': { 'cbc:ID': seller.iban.replace(/\s/g, ''), ...(seller.bic ? { 'cac:FinancialInstitutionBranch': { 'cbc:ID': seller.bic } } : {}) } }] }
        : {}),
      ...(doc.kind === 'invoice' ? { 'cac:PaymentTerms': { 'cbc:Note': doc.mentions.find((m) => m.startsWith('Conditions de paiement')) ?? 'Paiement par virement' } } : {}),
      'cac:TaxTotal': [
        {
          'cbc:TaxAmount': amount(doc.vat),
          'cbc:TaxAmount@currencyID': 'EUR',
          'cac:TaxSubtotal': [
            {
              'cbc:TaxableAmount': amount(doc.total),
              'cbc:TaxableAmount@currencyID': 'EUR',
              'cbc:TaxAmount': amount(doc.vat),
              'cbc:TaxAmount@currencyID': 'EUR',
              'cac:TaxCategory': {
                ...category,
                ...(doc.vatExemptionCode ? { 'cbc:TaxExemptionReasonCode': doc.vatExemptionCode } : {}),
                ...(vatMention ? { 'cbc:TaxExemptionReason': vatMention } : {}),
              },
            },
          ],
        },
      ],
      'cac:LegalMonetaryTotal': {
        'cbc:LineExtensionAmount': amount(doc.total),
        'cbc:LineExtensionAmount@currencyID': 'EUR',
        'cbc:TaxExclusiveAmount': amount(doc.total),
        'cbc:TaxExclusiveAmount@currencyID': 'EUR',
        'cbc:TaxInclusiveAmount': amount(doc.totalWithVat),
        'cbc:TaxInclusiveAmount@currencyID': 'EUR',
        'cbc:PayableAmount': amount(doc.totalWithVat),
        'cbc:PayableAmount@currencyID': 'EUR',
      },
      'cac:InvoiceLine': doc.lines.map((line, k) => ({
        'cbc:ID': String(k + 1),
        'cbc:InvoicedQuantity': String(line.quantity),
        'cbc:InvoicedQuantity@unitCode': 'C62',
        'cbc:LineExtensionAmount': amount(line.amount),
        'cbc:LineExtensionAmount@currencyID': 'EUR',
        'cac:Item': { 'cbc:Name': line.label, 'cac:ClassifiedTaxCategory': category },
        'cac:Price': linePrice(line.unitPrice),
      })),
    },
  };
  return invoice as unknown as Invoice;
}

function linePrice(unitPrice: number) {
  const { price, base } = priceAndBase(unitPrice);
  return { 'cbc:PriceAmount': price, 'cbc:PriceAmount@currencyID': 'EUR', ...(base > 1 ? { 'cbc:BaseQuantity': String(base), 'cbc:BaseQuantity@unitCode': 'C62' } : {}) };
}

function sellerParty(seller: SellerIdentity) {
  const legalForm = sellerLegalLine(seller).replace(`${seller.legalName} – `, '');
  return {
    ...(seller.email ? { 'cbc:EndpointID': seller.email, 'cbc:EndpointID@schemeID': 'EM' } : {}),
    'cac:PostalAddress': postalAddress(seller.postalAddress, 'FR'),
    'cac:PartyTaxScheme': [{ 'cbc:CompanyID': seller.vatNumber, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }],
    'cac:PartyLegalEntity': { 'cbc:RegistrationName': seller.legalName, 'cbc:CompanyID': seller.siren, 'cbc:CompanyID@schemeID': '0002', 'cbc:CompanyLegalForm': legalForm },
    ...(seller.email || seller.phone ? { 'cac:Contact': { ...(seller.phone ? { 'cbc:Telephone': seller.phone } : {}), ...(seller.email ? { 'cbc:ElectronicMail': seller.email } : {}) } } : {}),
  };
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The CII XML with the invoice a credit note corrects (BT-25, BT-26: InvoiceReferencedDocument, after the header
 * monetary summation in the schema's order).
 */
export function withPrecedingInvoice(xml: string, corrects: LegalDocument['corrects']): string {
  if (!corrects) return xml;
  const close = '</ram:SpecifiedTradeSettlementHeaderMonetarySummation>';
  const reference =
    `<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>${corrects.number.replace(/[<&]/g, '')}</ram:IssuerAssignedID>` +
    `<ram:FormattedIssueDateTime><qdt:DateTimeString format="102">${corrects.issueDate.replace(/-/g, '')}</qdt:DateTimeString></ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>`;
  return xml.replace(close, `${close}${reference}`);
}

/**
 * The library's service with its Factur-X formatter's attachment step intercepted, to add what its mapping cannot
 * (withPrecedingInvoice). Internals of @e-invoice-eu/core 2.3.4 (pinned); if they move, the XML goes out without
 * BT-25, and the schema test of credit notes says so.
 */
function invoiceService(doc: LegalDocument): InvoiceService {
  const service = new InvoiceService(silent);
  const factory = (service as unknown as { formatFactoryService?: FormatFactoryService }).formatFactoryService;
  if (!doc.corrects || !factory) return service;
  const create = factory.createFormatService.bind(factory);
  factory.createFormatService = (format, logger) => {
    const formatter = create(format, logger) as EInvoiceFormat & { attachFacturX?: (pdf: unknown, options: unknown, xml: string) => Promise<void> };
    const attach = formatter.attachFacturX?.bind(formatter);
    if (attach) formatter.attachFacturX = (pdf, options, xml) => attach(pdf, options, withPrecedingInvoice(xml, doc.corrects));
    return formatter;
  };
  return service;
}

/** The Factur-X invoice: a PDF/A-3 with its EN 16931 CII XML attached as factur-x.xml. */
export async function renderFacturX(doc: LegalDocument): Promise<Buffer> {
  const pdf = await renderInvoicePdf(doc, { pdfA: true });
  const service = invoiceService(doc);
  const out = await service.generate(facturXData(doc), {
    format: FACTUR_X_FORMAT,
    lang: 'fr-fr',
    pdf: { buffer: pdf, filename: `${doc.number}.pdf`, mimetype: 'application/pdf' },
    noWarnings: true,
  });
  return Buffer.from(out as Uint8Array);
}
