/**
 * An invoice or credit note as a PDF (pdfkit): the seller and the buyer, the number and dates, the lines, the totals
 * per VAT rate, the legal mentions, and the seller's legal line at the foot of every page. The font (DejaVu Sans) is
 * embedded, as PDF/A requires: the same PDF is the visible part of the Factur-X invoice (factur-x.ts).
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { InvalidState } from '../../app/errors.ts';
import type { LegalDocument, SellerIdentity } from '../../core/billing/index.ts';
import { formatCount, formatEuros, formatRate, formatUnitPrice, frenchDate } from '../../core/billing/legal.ts';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const MARGIN = 50;
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const CONTENT = PAGE_WIDTH - 2 * MARGIN;
const FOOTER_HEIGHT = 40;
const INK = '#1f2933';
const MUTED = '#52606d';
const RULE = '#cbd2d9';
const BAND = '#f0f4f8';

/** The seller, refusing to render without one: an invoice must name who sells. */
export function sellerOf(doc: LegalDocument): SellerIdentity {
  if (!doc.seller) throw new InvalidState('the seller of invoices is not configured (billing.seller: legal name, SIREN, VAT number, address; docs/configuration.md)');
  return doc.seller;
}

/** Address lines from « 1 rue X, 75001 Paris ». */
export const addressLines = (address: string | null | undefined): string[] => (address ?? '').split(/\s*[,\n]\s*/).filter((line) => line !== '');

/** The seller's legal line: name, form and capital, RCS, SIREN, VAT number. */
export function sellerLegalLine(seller: SellerIdentity): string {
  const form = [seller.legalForm, seller.shareCapital ? `au capital de ${seller.shareCapital}` : undefined].filter(Boolean).join(' ');
  return [seller.legalName, form, seller.rcs ? `${seller.rcs} ${seller.siren}` : `SIREN ${seller.siren}`, seller.siret ? `SIRET ${seller.siret}` : undefined, `TVA ${seller.vatNumber}`]
    .filter((part) => part && part !== '')
    .join(' – ');
}

/** Renders the document; resolves with the PDF's bytes. `pdfA`: PDF/A-3b conformance (fonts embedded, XMP), for Factur-X. */
export function renderInvoicePdf(doc: LegalDocument, options: { pdfA?: boolean } = {}): Promise<Buffer> {
  const seller = sellerOf(doc);
  const title = doc.kind === 'invoice' ? 'Facture' : 'Avoir';
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER_HEIGHT, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: 'fr-FR',
    info: { Title: `${title} ${doc.number}`, Author: seller.legalName, Subject: `${title} ${doc.number} – ${seller.legalName}`, CreationDate: new Date(`${doc.issueDate}T12:00:00Z`) },
    ...(options.pdfA ? { subset: 'PDF/A-3b' as const, pdfVersion: '1.7' as const, tagged: true } : {}),
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('regular', FONT);
  pdf.registerFont('bold', FONT_BOLD);
  pdf.font('regular').fillColor(INK);

  header(pdf, doc, seller, title);
  const y = linesTable(pdf, doc);
  totals(pdf, doc, y);
  mentions(pdf, doc);
  footers(pdf, seller, doc);
  pdf.end();
  return done;
}

type Pdf = PDFKit.PDFDocument;

function header(pdf: Pdf, doc: LegalDocument, seller: SellerIdentity, title: string): void {
  const top = MARGIN;
  pdf.font('bold').fontSize(15).fillColor(INK).text(seller.legalName, MARGIN, top, { width: CONTENT / 2 });
  pdf.font('regular').fontSize(8.5).fillColor(MUTED);
  const sellerLines = [
    ...addressLines(seller.postalAddress),
    [seller.email, seller.phone].filter(Boolean).join(' – '),
    `SIREN ${seller.siren}${seller.siret ? ` – SIRET ${seller.siret}` : ''}`,
    `N° TVA intracommunautaire ${seller.vatNumber}`,
  ].filter((line) => line !== '');
  pdf.text(sellerLines.join('\n'), MARGIN, pdf.y + 4, { width: CONTENT / 2, lineGap: 1.5 });
  const sellerBottom = pdf.y;

  const right = MARGIN + CONTENT / 2 + 20;
  const rightWidth = CONTENT / 2 - 20;
  pdf.font('bold').fontSize(22).fillColor(INK).text(title.toUpperCase(), right, top - 4, { width: rightWidth, align: 'right' });
  const facts: [string, string][] = [
    [`${title} n°`, doc.number],
    ["Date d'émission", frenchDate(doc.issueDate)],
    ...(doc.period ? ([['Période', doc.period.start === doc.period.end ? frenchDate(doc.period.start) : `${frenchDate(doc.period.start)} – ${frenchDate(doc.period.end)}`]] as [string, string][]) : []),
    ...(doc.dueDate ? ([["Date d'échéance", frenchDate(doc.dueDate)]] as [string, string][]) : []),
    ...(doc.corrects ? ([['Facture corrigée', doc.corrects.number]] as [string, string][]) : []),
  ];
  let factY = top + 30;
  for (const [label, value] of facts) {
    pdf.font('regular').fontSize(9).fillColor(MUTED).text(label, right, factY, { width: 85 });
    pdf.font('bold').fillColor(INK).text(value, right + 85, factY, { width: rightWidth - 85, align: 'right' });
    factY = pdf.y + 3;
  }

  // The buyer, in a box under the facts.
  const boxTop = Math.max(factY + 12, sellerBottom + 12);
  const buyer = doc.buyer;
  const buyerLines = [
    ...addressLines(buyer.postalAddress),
    buyer.siren ? `SIREN ${buyer.siren}` : '',
    buyer.vatNumber ? `N° TVA ${buyer.vatNumber}` : '',
    `Compte ${buyer.accountName}`,
  ].filter((line) => line !== '');
  pdf.font('regular').fontSize(9);
  const textHeight = pdf.heightOfString(buyerLines.join('\n'), { width: rightWidth - 20, lineGap: 1.5 });
  const boxHeight = textHeight + 38;
  pdf.roundedRect(right, boxTop, rightWidth, boxHeight, 4).lineWidth(0.8).strokeColor(RULE).stroke();
  pdf.font('regular').fontSize(8).fillColor(MUTED).text(doc.kind === 'invoice' ? 'FACTURÉ À' : 'AVOIR AU PROFIT DE', right + 10, boxTop + 8, { width: rightWidth - 20 });
  pdf.font('bold').fontSize(10.5).fillColor(INK).text(buyer.legalName ?? buyer.accountName, right + 10, pdf.y + 2, { width: rightWidth - 20 });
  pdf.font('regular').fontSize(9).fillColor(INK).text(buyerLines.join('\n'), right + 10, pdf.y + 2, { width: rightWidth - 20, lineGap: 1.5 });
  pdf.y = boxTop + boxHeight + 22;
  if (doc.reason) {
    pdf.font('regular').fontSize(9).fillColor(INK).text(`Motif : ${doc.reason}`, MARGIN, pdf.y, { width: CONTENT });
    pdf.y += 10;
  }
}

const COLUMNS = [
  { title: 'Désignation', width: 240, align: 'left' as const },
  { title: 'Quantité', width: 65, align: 'right' as const },
  { title: 'Prix unitaire HT', width: 105, align: 'right' as const },
  { title: 'Montant HT', width: CONTENT - 240 - 65 - 105, align: 'right' as const },
];

function tableHeader(pdf: Pdf, y: number): number {
  pdf.rect(MARGIN, y, CONTENT, 20).fill(BAND);
  let x = MARGIN;
  pdf.font('bold').fontSize(8.5).fillColor(INK);
  for (const column of COLUMNS) {
    pdf.text(column.title, x + 6, y + 6, { width: column.width - 12, align: column.align });
    x += column.width;
  }
  return y + 24;
}

/** The lines, a new page (with the header row again) when one does not fit. Returns where the table ends. */
function linesTable(pdf: Pdf, doc: LegalDocument): number {
  let y = tableHeader(pdf, pdf.y);
  const bottom = PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT;
  for (const line of doc.lines) {
    const cells = [line.label, formatCount(line.quantity), formatUnitPrice(line.unitPrice), formatEuros(line.amount)];
    pdf.font('regular').fontSize(9);
    const height = Math.max(...cells.map((cell, k) => pdf.heightOfString(cell, { width: COLUMNS[k]!.width - 12 }))) + 10;
    if (y + height > bottom) {
      pdf.addPage();
      y = tableHeader(pdf, MARGIN);
    }
    let x = MARGIN;
    pdf.fillColor(INK);
    cells.forEach((cell, k) => {
      pdf.text(cell, x + 6, y + 5, { width: COLUMNS[k]!.width - 12, align: COLUMNS[k]!.align });
      x += COLUMNS[k]!.width;
    });
    y += height;
    pdf.moveTo(MARGIN, y).lineTo(MARGIN + CONTENT, y).lineWidth(0.5).strokeColor(RULE).stroke();
  }
  return y;
}

function totals(pdf: Pdf, doc: LegalDocument, tableEnd: number): void {
  const width = 230;
  const x = MARGIN + CONTENT - width;
  let y = tableEnd + 14;
  if (y + 90 > PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT) {
    pdf.addPage();
    y = MARGIN;
  }
  const rows: [string, string, boolean][] = [
    ['Total HT', formatEuros(doc.total), false],
    [doc.vatCategory === 'S' ? `TVA ${formatRate(doc.vatBasisPoints)}` : doc.vatCategory === 'AE' ? 'TVA (autoliquidation)' : 'TVA (non applicable)', formatEuros(doc.vat), false],
    [doc.kind === 'invoice' ? 'Total TTC – net à payer' : 'Total TTC – à déduire', formatEuros(doc.totalWithVat), true],
  ];
  for (const [label, value, strong] of rows) {
    if (strong) pdf.rect(x, y - 4, width, 22).fill(BAND);
    pdf.font(strong ? 'bold' : 'regular').fontSize(strong ? 10.5 : 9.5).fillColor(INK);
    pdf.text(label, x + 8, y + (strong ? 1 : 0), { width: width / 2 + 20 });
    pdf.text(value, x + width / 2, y + (strong ? 1 : 0), { width: width / 2 - 8, align: 'right' });
    y += strong ? 26 : 18;
  }
  pdf.y = y + 10;
}

function mentions(pdf: Pdf, doc: LegalDocument): void {
  pdf.font('regular').fontSize(8).fillColor(MUTED);
  const text = doc.mentions.join('\n');
  const height = pdf.heightOfString(text, { width: CONTENT, lineGap: 2, paragraphGap: 4 });
  if (pdf.y + height > PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT) pdf.addPage();
  pdf.text(text, MARGIN, pdf.y, { width: CONTENT, lineGap: 2, paragraphGap: 4 });
}

function footers(pdf: Pdf, seller: SellerIdentity, doc: LegalDocument): void {
  const range = pdf.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page++) {
    pdf.switchToPage(page);
    const y = PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT + 14;
    // Writing in the bottom margin: pdfkit would otherwise open a new page.
    const bottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf.moveTo(MARGIN, y).lineTo(MARGIN + CONTENT, y).lineWidth(0.5).strokeColor(RULE).stroke();
    pdf.font('regular').fontSize(7).fillColor(MUTED);
    pdf.text(sellerLegalLine(seller), MARGIN, y + 6, { width: CONTENT - 110 });
    pdf.text(`${doc.number} – ${page - range.start + 1}/${range.count}`, MARGIN + CONTENT - 110, y + 6, { width: 110, align: 'right' });
    pdf.page.margins.bottom = bottom;
  }
}
