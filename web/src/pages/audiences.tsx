/**
 * A contact base's lists and segments (under Contacts, /contacts/<base>): its lists with their members, a new list,
 * numbers added to a list; its segments with their filters in words and how many they select now, a new segment
 * built condition by condition (a field compared, empty or not, consent, in a list, active lately).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { formatCount } from '../format.ts';
import type { Key } from '../i18n.ts';
import { mayChange, t } from '../state.ts';
import { Field, Link, Page, ProblemView, useAction, useLoad } from '../ui.tsx';
import { recipientsOf } from './send.tsx';

interface List {
  id: string;
  name: string;
  members: number;
}

type Condition =
  | { field: string; op: string; value: string | number }
  | { field: string; op: 'isEmpty' | 'isNotEmpty' }
  | { consent: 'opted-in' | 'no-consent' | 'opted-out' }
  | { inList: string }
  | { activeWithinDays: number };

interface Segment {
  id: string;
  name: string;
  filter: { match: 'all' | 'any'; conditions: Condition[] };
}

const STANDARD_FIELDS = ['firstName', 'lastName', 'mobile', 'landline', 'email', 'birthday'];
const COMPARISONS = ['is', 'isNot', 'contains', 'startsWith', 'gt', 'gte', 'lt', 'lte', 'isEmpty', 'isNotEmpty'];
type Kind = 'field' | 'consent' | 'inList' | 'active';

export function BasePage({ base }: { base: string }) {
  const info = useLoad(() => api<{ id: string; name: string; contacts?: number; customFields: { name: string }[] }>('GET', `/v1/bases/${encodeURIComponent(base)}`), [base]);
  const lists = useLoad(() => api<{ lists: List[] }>('GET', `/v1/bases/${encodeURIComponent(base)}/lists`), [base]);
  return (
    <Page title={t('audiences.title', { base: info.data?.name ?? base })} actions={<Link href="/contacts">{t('audiences.back')}</Link>}>
      <ProblemView error={info.error} />
      {info.data && <p>{t('contacts.count', { count: formatCount(info.data.contacts ?? 0) })}</p>}
      <Lists base={base} lists={lists} />
      <Segments base={base} lists={lists.data?.lists ?? []} fields={[...STANDARD_FIELDS, ...(info.data?.customFields ?? []).map((f) => `custom.${f.name}`)]} />
    </Page>
  );
}

function Lists({ base, lists }: { base: string; lists: ReturnType<typeof useLoad<{ lists: List[] }>> }) {
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [numbers, setNumbers] = useState('');
  const [added, setAdded] = useState<number | null>(null);
  const path = `/v1/bases/${encodeURIComponent(base)}/lists`;
  const create = useAction(async () => {
    await api('POST', path, { body: { name: name.trim() } });
    setName('');
    lists.reload();
  });
  const add = useAction(async () => {
    const list = target || lists.data?.lists[0]?.id;
    if (!list) return;
    const answer = await api<{ added: number }>('POST', `${path}/${encodeURIComponent(list)}/members`, { body: { mobiles: recipientsOf(numbers) } });
    setAdded(answer.added);
    setNumbers('');
    lists.reload();
  });
  const writable = mayChange('contacts');
  return (
    <section aria-labelledby="lists-title">
      <h2 id="lists-title">{t('audiences.lists')}</h2>
      <ProblemView error={lists.error} />
      {lists.data && lists.data.lists.length === 0 && <p>{t('common.none')}</p>}
      <ul class="cards">
        {lists.data?.lists.map((l) => (
          <li key={l.id}>
            <strong>{l.name}</strong>
            <span>{t('audiences.members', { count: formatCount(l.members) })}</span>
          </li>
        ))}
      </ul>
      {writable && (
        <>
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault();
              void create.run();
            }}
          >
            <Field label={t('audiences.listName')}>{(id) => <input id={id} required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
            <button type="submit" disabled={create.busy}>
              {t('audiences.newList')}
            </button>
          </form>
          <ProblemView error={create.error} fieldLabels={{ '/name': t('audiences.listName') }} />
          {lists.data && lists.data.lists.length > 0 && (
            <form
              class="form"
              onSubmit={(e) => {
                e.preventDefault();
                void add.run();
              }}
            >
              <h3>{t('audiences.addMembers')}</h3>
              <div class="row">
                <Field label={t('audiences.list')}>
                  {(id) => (
                    <select id={id} value={target || lists.data!.lists[0]!.id} onChange={(e) => setTarget(e.currentTarget.value)}>
                      {lists.data!.lists.map((l) => (
                        <option key={l.id} value={l.id}>
                          {l.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
              <Field label={t('audiences.numbers')} hint={t('audiences.numbersHint')}>
                {(id, d) => <textarea id={id} rows={3} required value={numbers} aria-describedby={d} onInput={(e) => setNumbers(e.currentTarget.value)} />}
              </Field>
              <ProblemView error={add.error} fieldLabels={{ '/mobiles': t('audiences.numbers') }} />
              {added !== null && <p role="status">{t('audiences.added', { count: formatCount(added) })}</p>}
              <button type="submit" disabled={add.busy}>
                {t('audiences.add')}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}

/** A condition in words: "prénom contient « Jean »", "dans la liste VIP". */
function describe(condition: Condition, lists: List[]): string {
  if ('inList' in condition) return t('audiences.cond.inList', { list: lists.find((l) => l.id === condition.inList || l.name === condition.inList)?.name ?? condition.inList });
  if ('consent' in condition) return t(`audiences.consent.${condition.consent}` as Key);
  if ('activeWithinDays' in condition) return t('audiences.cond.active', { days: condition.activeWithinDays });
  const op = t(`audiences.op.${condition.op}` as Key);
  return 'value' in condition ? `${condition.field} ${op} « ${condition.value} »` : `${condition.field} ${op}`;
}

function Segments({ base, lists, fields }: { base: string; lists: List[]; fields: string[] }) {
  const path = `/v1/bases/${encodeURIComponent(base)}/segments`;
  const segments = useLoad(() => api<{ segments: Segment[] }>('GET', path), [base]);
  const [counts, setCounts] = useState<Record<string, { contacts: number; recipients: number }>>({});
  const [name, setName] = useState('');
  const [match, setMatch] = useState<'all' | 'any'>('all');
  const [conditions, setConditions] = useState<Condition[]>([]);
  const [kind, setKind] = useState<Kind>('field');
  const [field, setField] = useState('firstName');
  const [op, setOp] = useState('is');
  const [value, setValue] = useState('');
  const [consent, setConsent] = useState<'opted-in' | 'no-consent' | 'opted-out'>('opted-in');
  const [list, setList] = useState('');
  const [days, setDays] = useState('30');
  const count = useAction(async (segment: Segment) => {
    const answer = await api<{ contacts: number; recipients: number }>('GET', `${path}/${encodeURIComponent(segment.id)}/count`);
    setCounts((all) => ({ ...all, [segment.id]: answer }));
  });
  const save = useAction(async () => {
    await api('POST', path, { body: { name: name.trim(), filter: { match, conditions } } });
    setName('');
    setConditions([]);
    segments.reload();
  });
  const addCondition = () => {
    const next: Condition | undefined =
      kind === 'consent'
        ? { consent }
        : kind === 'inList'
          ? list || lists[0]
            ? { inList: list || lists[0]!.id }
            : undefined
          : kind === 'active'
            ? { activeWithinDays: Number(days) }
            : op === 'isEmpty' || op === 'isNotEmpty'
              ? { field, op }
              : { field, op, value: ['gt', 'gte', 'lt', 'lte'].includes(op) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value };
    if (next) setConditions([...conditions, next]);
  };
  const kinds: [Kind, Key][] = [
    ['field', 'audiences.kind.field'],
    ['consent', 'audiences.kind.consent'],
    ['inList', 'audiences.kind.inList'],
    ['active', 'audiences.kind.active'],
  ];
  return (
    <section aria-labelledby="segments-title">
      <h2 id="segments-title">{t('audiences.segments')}</h2>
      <ProblemView error={segments.error ?? count.error} />
      {segments.data && segments.data.segments.length === 0 && <p>{t('common.none')}</p>}
      <ul class="cards">
        {segments.data?.segments.map((s) => (
          <li key={s.id}>
            <strong>{s.name}</strong>
            <span>
              {t(s.filter.match === 'all' ? 'audiences.matchAll' : 'audiences.matchAny')} : {s.filter.conditions.map((c) => describe(c, lists)).join(' ; ') || '—'}
            </span>
            {counts[s.id] ? (
              <span role="status">{t('audiences.selects', { contacts: formatCount(counts[s.id]!.contacts), recipients: formatCount(counts[s.id]!.recipients) })}</span>
            ) : (
              <button type="button" class="link-button" onClick={() => void count.run(s)}>
                {t('audiences.count')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {mayChange('contacts') && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <h3>{t('audiences.newSegment')}</h3>
          <div class="row">
            <Field label={t('audiences.segmentName')}>{(id) => <input id={id} required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
            <Field label={t('audiences.match')}>
              {(id) => (
                <select id={id} value={match} onChange={(e) => setMatch(e.currentTarget.value as 'all' | 'any')}>
                  <option value="all">{t('audiences.matchAll')}</option>
                  <option value="any">{t('audiences.matchAny')}</option>
                </select>
              )}
            </Field>
          </div>
          <fieldset>
            <legend>{t('audiences.condition')}</legend>
            <div class="row">
              <Field label={t('audiences.kind')}>
                {(id) => (
                  <select id={id} value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
                    {kinds.map(([k, label]) => (
                      <option key={k} value={k}>
                        {t(label)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {kind === 'field' && (
                <>
                  <Field label={t('audiences.field')}>
                    {(id) => (
                      <select id={id} value={field} onChange={(e) => setField(e.currentTarget.value)}>
                        {fields.map((f) => (
                          <option key={f} value={f}>
                            {f}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t('audiences.operator')}>
                    {(id) => (
                      <select id={id} value={op} onChange={(e) => setOp(e.currentTarget.value)}>
                        {COMPARISONS.map((o) => (
                          <option key={o} value={o}>
                            {t(`audiences.op.${o}` as Key)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  {op !== 'isEmpty' && op !== 'isNotEmpty' && <Field label={t('audiences.value')}>{(id) => <input id={id} value={value} onInput={(e) => setValue(e.currentTarget.value)} />}</Field>}
                </>
              )}
              {kind === 'consent' && (
                <Field label={t('audiences.kind.consent')}>
                  {(id) => (
                    <select id={id} value={consent} onChange={(e) => setConsent(e.currentTarget.value as typeof consent)}>
                      {(['opted-in', 'no-consent', 'opted-out'] as const).map((c) => (
                        <option key={c} value={c}>
                          {t(`audiences.consent.${c}` as Key)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              )}
              {kind === 'inList' && (
                <Field label={t('audiences.list')}>
                  {(id) => (
                    <select id={id} value={list || lists[0]?.id} onChange={(e) => setList(e.currentTarget.value)}>
                      {lists.map((l) => (
                        <option key={l.id} value={l.id}>
                          {l.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              )}
              {kind === 'active' && <Field label={t('audiences.days')}>{(id) => <input id={id} type="number" min={1} value={days} onInput={(e) => setDays(e.currentTarget.value)} />}</Field>}
            </div>
            <button type="button" onClick={addCondition}>
              {t('audiences.addCondition')}
            </button>
          </fieldset>
          {conditions.length > 0 && (
            <ol>
              {conditions.map((c, i) => (
                <li key={i}>
                  {describe(c, lists)}{' '}
                  <button type="button" class="link-button" onClick={() => setConditions(conditions.filter((_, j) => j !== i))}>
                    {t('audiences.remove')}
                  </button>
                </li>
              ))}
            </ol>
          )}
          <ProblemView error={save.error} fieldLabels={{ '/name': t('audiences.segmentName') }} />
          <button type="submit" class="primary" disabled={save.busy}>
            {t('audiences.save')}
          </button>
        </form>
      )}
    </section>
  );
}
