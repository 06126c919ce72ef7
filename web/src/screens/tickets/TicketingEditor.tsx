import type { SpaceDto } from '@salon/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { formatMoney, toMajorInput } from './money';
import { BirthDateConfirm, OfferFields, reasonText } from './SellTickets';
import { ticketsApi } from './ticketsApi';
import { type TicketingDto, ticketingOf } from './types';
import { type TicketForm, type TicketFormErrors, validateTicketing } from './validate';

/**
 * The host's tickets of a space before it starts: what is on sale, and the
 * editor. Both may change until the first sale; after it the price is fixed
 * and the count may only grow, which the editor says. The answer of each
 * change is shown at once (the realtime snapshot follows).
 */
export function TicketingPanel({ space }: { space: SpaceDto }) {
  const { t, i18n } = useTranslation('tickets');
  const fromServer = ticketingOf(space);
  const [offer, setOffer] = useState<TicketingDto | null>(fromServer);
  const [editing, setEditing] = useState(false);
  const serverKey = JSON.stringify(fromServer);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new offer from the snapshot replaces ours
  useEffect(() => setOffer(fromServer), [serverKey]);

  return (
    <div className="stack ticketing-panel" data-testid="ticketing-panel">
      <p>
        {offer
          ? t('edit.summary', {
              price: formatMoney(offer.price_minor, offer.currency, i18n.language),
              sold: offer.sold,
              total: offer.count,
            })
          : t('edit.free')}
      </p>
      <p>
        <button type="button" onClick={() => setEditing(true)}>
          {offer ? t('edit.open') : t('edit.sell')}
        </button>
      </p>
      {editing ? (
        <TicketingEditor
          spaceId={space.id}
          offer={offer}
          onSaved={(next) => {
            setOffer(next);
            setEditing(false);
          }}
          onClose={() => setEditing(false)}
        />
      ) : null}
    </div>
  );
}

export function TicketingEditor({
  spaceId,
  offer,
  onSaved,
  onClose,
}: {
  spaceId: string;
  offer: TicketingDto | null;
  onSaved: (next: TicketingDto | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('tickets');
  const eligibility = useAsync(() => ticketsApi.eligibility(), []);
  const [form, setForm] = useState<TicketForm>(
    offer
      ? { price: toMajorInput(offer.price_minor, offer.currency), count: String(offer.count) }
      : { price: '', count: '' },
  );
  const [errors, setErrors] = useState<TicketFormErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sold = offer?.sold ?? 0;

  async function run(action: () => Promise<SpaceDto>) {
    setBusy(true);
    setError(null);
    try {
      onSaved(ticketingOf(await action()));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (!eligibility.data) return;
    const checked = validateTicketing(form, eligibility.data.limits, offer);
    setErrors(checked.errors);
    if (checked.value) void run(() => ticketsApi.setTicketing(spaceId, checked.value!));
  }

  const data = eligibility.data;
  // Someone who may not sell still manages an offer made while they could (an admin's grant ended).
  const mayEdit = data && (data.eligible || offer);
  return (
    <Modal title={offer ? t('edit.title') : t('edit.sellTitle')} onClose={onClose}>
      {eligibility.loading && !data ? <Loading /> : null}
      <ErrorText error={eligibility.error} />
      {data && !mayEdit ? (
        <div className="stack">
          <p className="strong">{t('sell.notEligible')}</p>
          <ul className="reasons">
            {data.reasons.map((r) => (
              <li key={r.code}>{reasonText(r)}</li>
            ))}
          </ul>
          {data.needs_birth_date ? <BirthDateConfirm onConfirmed={eligibility.setData} /> : null}
        </div>
      ) : null}
      {data && mayEdit ? (
        <form className="stack" onSubmit={save} noValidate>
          <p className="hint">{sold > 0 ? t('edit.afterSale', { count: sold }) : t('edit.rule')}</p>
          <OfferFields
            limits={data.limits}
            value={form}
            errors={errors}
            onChange={setForm}
            priceLocked={sold > 0}
          />
          <ErrorText error={error} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {t('edit.save')}
            </button>
            {offer && sold === 0 ? (
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void run(() => ticketsApi.removeTicketing(spaceId))}
              >
                {t('edit.remove')}
              </button>
            ) : null}
            <button type="button" onClick={onClose}>
              {t('edit.back')}
            </button>
          </div>
        </form>
      ) : null}
    </Modal>
  );
}
