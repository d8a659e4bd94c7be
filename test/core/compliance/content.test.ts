import { describe, expect, it } from 'vitest';
import { decide, type CompliancePolicy, type RuleId } from '../../../src/core/compliance/index.ts';
import { marketing, ruleOutcome, transactional } from './build.ts';

const marketingRule = (rule: RuleId, text: string, policy: Partial<CompliancePolicy> = {}) => ruleOutcome(decide(marketing({ text, policy })), rule);
const transactionalRule = (rule: RuleId, text: string, policy: Partial<CompliancePolicy> = {}) => ruleOutcome(decide(transactional({ text, policy })), rule);

describe('marketing starts with the brand name, not a number or address (PROJETCOM deontology annex, Part II Art. 2)', () => {
  it.each([
    ['Dupont : -20 % ce week-end', 'pass'],
    ['  DUPONT! -20 % ce week-end', 'pass'],
    ['dupont, -20 % ce week-end', 'pass'],
    ['Dupontissime : -20 %', 'fail'],
    ['-20 % ce week-end chez Dupont', 'fail'],
  ])('%j: %s', (text, verdict) => {
    expect(marketingRule('brand-first', text).verdict).toBe(verdict);
  });

  it('the reason says how to begin', () => {
    expect(marketingRule('brand-first', '-20 % chez Dupont').reason).toBe("a marketing SMS must start with the brand name: begin the text with 'Dupont' (it starts with '-20 % chez Dupont')");
  });

  it("the client's or product's name is accepted when declared", () => {
    expect(marketingRule('brand-first', 'Boulangerie Dupont : pain offert', { brandAliases: ['Boulangerie Dupont'] }).verdict).toBe('pass');
  });

  it.each(['06 12 34 56 78', '36123', 'www.dupont.fr', 'https://dupont.fr', 'dupont.fr'])('a brand named %j is refused: a name cannot be a number or web address', (brand) => {
    expect(marketingRule('brand-first', `${brand} : -20 %`, { brand }).verdict).toBe('fail');
  });

  it('transactional messages need not start with the brand', () => {
    expect(transactionalRule('brand-first', 'Votre code : 123456').verdict).toBe('not-applicable');
  });
});

describe('no advertising in transactional messages (PROJETCOM deontology annex, Part II Art. 3); conservative list: sure signs reject, possible ones flag', () => {
  it.each([
    ['Votre colis arrive demain. Soldes -50 % sur tout le site !', 'fail'],
    ['Commande 123 expédiée. DESTOCKAGE en magasin', 'fail'],
    ['Commande 123 expédiée. Jusqu’à -30% sur la suite', 'fail'],
    ['Votre code promo BIENVENUE a été appliqué à la commande 123', 'flag'],
    ['Votre réduction de 5 € a été appliquée', 'flag'],
    ['Votre colis 8F42 sera livré demain entre 9h et 12h.', 'pass'],
    ['Votre code de connexion : 482913', 'pass'],
  ])('%j: %s', (text, verdict) => {
    expect(transactionalRule('no-advertising-in-transactional', text).verdict).toBe(verdict);
  });

  it('the reason names what was found and the way out', () => {
    expect(transactionalRule('no-advertising-in-transactional', 'Colis livré. Soldes -50 % !').reason).toBe(
      "transactional messages carry no advertising: remove 'Soldes', '-50 %' or send the message as marketing",
    );
  });

  it('marketing may advertise', () => {
    expect(marketingRule('no-advertising-in-transactional', 'Dupont : soldes -50 %').verdict).toBe('not-applicable');
  });
});

describe('"gratuit" only when everything promoted is free (Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM; PROJETCOM deontology annex, Part II Art. 1)', () => {
  it.each([
    ['Dupont : livraison gratuite ce week-end', {}, 'fail'],
    ['Dupont : service GRATUIT', {}, 'fail'],
    ['Dupont : livraison gratuite ce week-end', { everythingFree: true }, 'pass'],
    ['Dupont : -20 % ce week-end', {}, 'pass'],
  ])('marketing %j with %j: %s', (text, policy, verdict) => {
    expect(marketingRule('free-claim', text, policy).verdict).toBe(verdict);
  });

  it('in a transactional message the word is only flagged (nothing is promoted there)', () => {
    expect(transactionalRule('free-claim', 'Votre essai gratuit se termine demain').verdict).toBe('flag');
  });
});

describe('the price of a paid service is stated (Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM; PROJETCOM deontology annex, Part II Art. 1)', () => {
  it.each([
    ['Dupont : votre horoscope au 3615, 0,80 €/min', 'pass'],
    ['Dupont : le jeu à 2.99 EUR', 'pass'],
    ['Dupont : abonnement €5 par mois', 'pass'],
    ['Dupont : votre horoscope chaque matin', 'fail'],
  ])('paid service, %j: %s', (text, verdict) => {
    expect(marketingRule('price-mention', text, { paidService: true }).verdict).toBe(verdict);
  });

  it('not applicable when the account promotes no paid service', () => {
    expect(marketingRule('price-mention', 'Dupont : votre horoscope chaque matin').verdict).toBe('not-applicable');
  });
});

describe('no link to executable content (PROJETCOM deontology annex, Part II Art. 1 and Art. 2)', () => {
  it.each([
    ['Dupont : notre appli sur dupont.fr/app.apk', 'fail', 'dupont.fr/app.apk'],
    ['Dupont : https://dupont.fr/Setup.EXE?v=2 pour jouer', 'fail', 'https://dupont.fr/Setup.EXE'],
    ['Dupont : le jeu (dupont.fr/jeu.jar).', 'fail', "'dupont.fr/jeu.jar'"],
    ['Dupont : notre appli sur le store, dupont.fr/appli', 'pass', ''],
    ['Dupont : dupont.fr/apk-info', 'pass', ''],
  ])('marketing %j: %s', (text, verdict, link) => {
    expect(marketingRule('executable-download', text)).toMatchObject({ verdict, reason: expect.stringContaining(link) });
  });

  it('in a transactional message (an app the recipient asked for) it is flagged', () => {
    expect(transactionalRule('executable-download', 'Votre application : dupont.fr/app.apk').verdict).toBe('flag');
  });
});

describe('no promotion of adult content, in any message (Orange OPS offer (2016), §Déontologie : mieux protéger le client final; PROJETCOM deontology annex, Part II Art. 1)', () => {
  it.each([
    ['Dupont : vidéos XXX', 'fail'],
    ['Dupont : soirée ÉROTIQUE', 'fail'],
    ['Dupont : lingerie sexy', 'flag'],
    ['Dupont : nouveau magasin dans l’Essex', 'pass'],
  ])('%j: %s', (text, verdict) => {
    expect(marketingRule('adult-content', text).verdict).toBe(verdict);
  });

  it('transactional messages too', () => {
    expect(transactionalRule('adult-content', 'Votre accès porno est activé').verdict).toBe('fail');
  });
});
