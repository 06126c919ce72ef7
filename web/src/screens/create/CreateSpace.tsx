import { type CreateSpaceBody, SPACE_CONTENT_LIMITS as L } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { adminApi } from '../admin/adminApi';
import { CaptionsCheckbox } from '../space/captions/CaptionsSetting';
import { type SellState, SellTickets } from '../tickets/SellTickets';
import { ticketsApi } from '../tickets/ticketsApi';
import { type TicketFormErrors, validateTicketing } from '../tickets/validate';
import { HostingEligibility } from './HostingEligibility';
import { type SpaceForm, type SpaceFormErrors, toCreateInput, validateSpace } from './validate';

/** Languages of a space, each named in itself (as a person looking for theirs reads it). */
const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['es', 'Español'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['pt', 'Português'],
  ['it', 'Italiano'],
  ['ja', '日本語'],
  ['ar', 'العربية'],
  ['hi', 'हिन्दी'],
];

/**
 * /create — whether you may host is asked first, so someone who may not is
 * told at once (and can ask an admin) instead of after filling the form.
 */
export function CreateSpace() {
  const { t } = useTranslation('create');
  const eligibility = useAsync(() => adminApi.eligibility(), []);
  return (
    <main className="page narrow">
      <h1>{t('title')}</h1>
      {eligibility.loading && !eligibility.data ? (
        <Loading />
      ) : eligibility.data && !eligibility.data.may_host ? (
        <HostingEligibility eligibility={eligibility.data} onChanged={eligibility.setData} />
      ) : (
        // Eligibility unknown (the check failed): the server still decides, and says why.
        <SpaceFormView />
      )}
    </main>
  );
}

function SpaceFormView() {
  const { t } = useTranslation('create');
  const navigate = useNavigate();
  const [form, setForm] = useState<SpaceForm>({
    title: '',
    description: '',
    topics: '',
    language: 'en',
    recording: false,
    scheduledStart: '',
  });
  const [schedule, setSchedule] = useState(false);
  const [captions, setCaptions] = useState(false);
  // Selling tickets: offered when the instance answers (a server without tickets: no section).
  const selling = useAsync(() => ticketsApi.eligibility(), []);
  const [sell, setSell] = useState<SellState>({ on: false, price: '', count: '' });
  const [ticketErrors, setTicketErrors] = useState<TicketFormErrors>({});
  const [errors, setErrors] = useState<SpaceFormErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof SpaceForm>(key: K, value: SpaceForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const values = { ...form, scheduledStart: schedule ? form.scheduledStart : '' };
    if (schedule && !values.scheduledStart) {
      setErrors({ scheduledStart: t('errors.pickTime') });
      return;
    }
    const found = validateSpace(values);
    setErrors(found);
    const offer =
      sell.on && selling.data?.eligible ? validateTicketing(sell, selling.data.limits) : null;
    setTicketErrors(offer?.errors ?? {});
    if (Object.keys(found).length || (offer && !offer.value)) return;
    setBusy(true);
    setError(null);
    try {
      const input: CreateSpaceBody = toCreateInput(values);
      if (captions) input.captions = true;
      if (offer?.value) input.ticketing = offer.value;
      const space = await api.createSpace(input);
      navigate(`/spaces/${space.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="stack">
      <Field
        label={t('fields.title')}
        name="title"
        value={form.title}
        maxLength={L.title_max * 2}
        dir="auto"
        onChange={(e) => set('title', e.target.value)}
        error={errors.title}
        hint={t('fields.titleHint', { max: L.title_max })}
      />
      <div className="field">
        {/* Description, language: labelled controls Field (text inputs only) does not draw, each with its own attributes. */}
        <label htmlFor="space-description">{t('fields.description')}</label>
        <textarea
          id="space-description"
          name="description"
          rows={3}
          dir="auto"
          value={form.description}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? 'space-description-error' : undefined}
          onChange={(e) => set('description', e.target.value)}
        />
        {errors.description ? (
          <p className="field-error" id="space-description-error">
            {errors.description}
          </p>
        ) : null}
      </div>
      <Field
        label={t('fields.topics')}
        name="topics"
        value={form.topics}
        onChange={(e) => set('topics', e.target.value)}
        error={errors.topics}
        hint={t('fields.topicsHint', { max: L.topics_max })}
      />
      <div className="field">
        <label htmlFor="space-language">{t('fields.language')}</label>
        <select
          id="space-language"
          value={form.language}
          onChange={(e) => set('language', e.target.value)}
        >
          {LANGUAGES.map(([code, name]) => (
            <option key={code} value={code} lang={code}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <label className="check">
        <input
          type="checkbox"
          name="recording"
          checked={form.recording}
          onChange={(e) => set('recording', e.target.checked)}
        />
        {t('fields.record')} <span className="muted">{t('fields.recordHint')}</span>
      </label>
      <CaptionsCheckbox checked={captions} language={form.language} onChange={setCaptions} />
      {selling.data ? (
        <SellTickets
          eligibility={selling.data}
          value={sell}
          errors={ticketErrors}
          onChange={setSell}
          onEligibility={selling.setData}
        />
      ) : null}
      <fieldset className="when">
        <legend>{t('fields.when')}</legend>
        <label className="check">
          <input type="radio" name="when" checked={!schedule} onChange={() => setSchedule(false)} />
          {t('fields.now')}
        </label>
        <label className="check">
          <input type="radio" name="when" checked={schedule} onChange={() => setSchedule(true)} />
          {t('fields.later')}
        </label>
        {schedule ? (
          <Field
            label={t('fields.startTime')}
            name="scheduled_start"
            type="datetime-local"
            value={form.scheduledStart}
            onChange={(e) => set('scheduledStart', e.target.value)}
            error={errors.scheduledStart}
            hint={t('fields.startTimeHint')}
          />
        ) : null}
      </fieldset>
      <ErrorText error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('submit.busy') : schedule ? t('submit.schedule') : t('submit.now')}
      </button>
    </form>
  );
}
