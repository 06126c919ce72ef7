import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { formatMoney, formatRate } from './money';
import { ticketsApi } from './ticketsApi';
import type { SalesDto, SalesTotals } from './types';
import './tickets.css';

const TOTALS: (keyof SalesTotals)[] = [
  'gross_minor',
  'refunded_minor',
  'fee_minor',
  'net_minor',
  'pending_minor',
  'available_minor',
  'paid_out_minor',
];

/**
 * /settings/sales — a host's ticket sales and payouts: gross, refunds, the
 * platform's fee and the net, what is still in escrow (the space has not
 * ended) and what is available (settled, not paid out yet), what was paid
 * out, and the same per space.
 */
export function SalesPage() {
  const { t } = useTranslation('tickets');
  const sales = useAsync(() => ticketsApi.sales(), []);
  return (
    <main className="page sales-page" aria-labelledby="sales-title">
      <p>
        <Link to="/settings">{t('backToSettings')}</Link>
      </p>
      <h1 id="sales-title">{t('sales.title')}</h1>
      {sales.loading && !sales.data ? <Loading /> : null}
      <ErrorText error={sales.error} />
      {sales.data ? <Sales sales={sales.data} /> : null}
    </main>
  );
}

export function Sales({ sales }: { sales: SalesDto }) {
  const { t, i18n } = useTranslation('tickets');
  const money = (minor: number) => formatMoney(minor, sales.currency, i18n.language);
  return (
    <>
      <p className="muted">
        {t('sales.feeNow', {
          rate: formatRate(sales.fee_rate_bps_now, i18n.language),
          lifetime: money(sales.lifetime_gross_minor),
        })}
      </p>
      <section aria-labelledby="sales-totals">
        <h2 id="sales-totals">{t('sales.totals')}</h2>
        <dl className="money-grid">
          {TOTALS.map((key) => (
            <div key={key} data-testid={`total-${key}`}>
              <dt>{t(`sales.${key}`)}</dt>
              <dd>{money(sales.totals[key])}</dd>
            </div>
          ))}
        </dl>
        <p className="hint">{t('sales.pendingHelp')}</p>
      </section>
      <section aria-labelledby="sales-spaces">
        <h2 id="sales-spaces">{t('sales.perSpace')}</h2>
        {sales.spaces.length === 0 ? (
          <p className="muted">{t('sales.none')}</p>
        ) : (
          <div className="table-scroll">
            <table className="money-table">
              <caption className="visually-hidden">{t('sales.perSpace')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sales.space')}</th>
                  <th scope="col">{t('sales.sold')}</th>
                  <th scope="col">{t('sales.gross_minor')}</th>
                  <th scope="col">{t('sales.refunded_minor')}</th>
                  <th scope="col">{t('sales.fee_minor')}</th>
                  <th scope="col">{t('sales.net_minor')}</th>
                  <th scope="col">{t('sales.state')}</th>
                </tr>
              </thead>
              <tbody>
                {sales.spaces.map((row) => (
                  <tr key={row.space.id} data-testid="sales-row">
                    <th scope="row">
                      <Link to={`/spaces/${row.space.id}`} dir="auto">
                        {row.space.title}
                      </Link>
                    </th>
                    <td>{new Intl.NumberFormat(i18n.language).format(row.sold)}</td>
                    <td>{money(row.gross_minor)}</td>
                    <td>{money(row.refunded_minor)}</td>
                    <td>{money(row.fee_minor)}</td>
                    <td>{money(row.net_minor)}</td>
                    <td>{t(`sales.states.${row.state}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
