/** Inbound: the MOs received (STOP, START, CONTACT, others), newest first, page by page. */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { formatInstant } from '../format.ts';
import { t } from '../state.ts';
import { Page, ProblemView, useLoad, word } from '../ui.tsx';

interface Mo {
  id: string;
  from: string;
  to: string;
  text: string;
  intent: string;
  keyword: string | null;
  brand: string | null;
  receivedAt: string;
}

const PAGE = 50;

export function InboundPage() {
  const [before, setBefore] = useState<string | null>(null);
  const { data, error, reload } = useLoad(() => api<{ inbound: Mo[] }>('GET', '/v1/inbound', { query: { limit: PAGE, before } }), [before]);
  const last = data?.inbound.at(-1);
  return (
    <Page
      title={t('inbound.title')}
      actions={
        <button type="button" onClick={reload}>
          {t('common.refresh')}
        </button>
      }
    >
      <ProblemView error={error} />
      {data && data.inbound.length === 0 && <p>{t('common.none')}</p>}
      {data && data.inbound.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('inbound.received')}</th>
                <th scope="col">{t('inbound.from')}</th>
                <th scope="col">{t('inbound.to')}</th>
                <th scope="col">{t('inbound.intent')}</th>
                <th scope="col">{t('inbound.brand')}</th>
                <th scope="col">{t('inbound.text')}</th>
              </tr>
            </thead>
            <tbody>
              {data.inbound.map((mo) => (
                <tr key={mo.id}>
                  <td>{formatInstant(mo.receivedAt)}</td>
                  <td>{mo.from}</td>
                  <td>{mo.to}</td>
                  <td>{word('intent', mo.intent)}</td>
                  <td>{mo.brand === '*' ? t('common.all') : (mo.brand ?? '')}</td>
                  <td class="text-cell">{mo.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="pager">
        {before && (
          <button type="button" onClick={() => setBefore(null)}>
            {t('common.first')}
          </button>
        )}
        {last && data!.inbound.length === PAGE && (
          <button type="button" onClick={() => setBefore(last.id)}>
            {t('common.next')}
          </button>
        )}
      </p>
    </Page>
  );
}
