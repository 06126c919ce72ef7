import { SPACE_CONTENT_LIMITS as L } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { type SpaceForm, type SpaceFormErrors, toCreateInput, validateSpace } from './validate';

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

export function CreateSpace() {
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
  const [errors, setErrors] = useState<SpaceFormErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof SpaceForm>(key: K, value: SpaceForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const values = { ...form, scheduledStart: schedule ? form.scheduledStart : '' };
    if (schedule && !values.scheduledStart) {
      setErrors({ scheduledStart: 'Pick a date and time.' });
      return;
    }
    const found = validateSpace(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      const space = await api.createSpace(toCreateInput(values));
      navigate(`/spaces/${space.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <main className="page narrow">
      <h1>Start a space</h1>
      <form onSubmit={submit} noValidate className="stack">
        <Field
          label="Title"
          name="title"
          value={form.title}
          maxLength={L.title_max * 2}
          onChange={(e) => set('title', e.target.value)}
          error={errors.title}
          hint={`What will you talk about? Up to ${L.title_max} characters.`}
        />
        <div className="field">
          <label htmlFor="space-description">Description</label>
          <textarea
            id="space-description"
            name="description"
            rows={3}
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
          label="Topics"
          name="topics"
          value={form.topics}
          onChange={(e) => set('topics', e.target.value)}
          error={errors.topics}
          hint={`Up to ${L.topics_max}, separated by commas.`}
        />
        <div className="field">
          <label htmlFor="space-language">Language</label>
          <select
            id="space-language"
            value={form.language}
            onChange={(e) => set('language', e.target.value)}
          >
            {LANGUAGES.map(([code, name]) => (
              <option key={code} value={code}>
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
          Record this space <span className="muted">(everyone sees a REC sign; replays later)</span>
        </label>
        <fieldset className="when">
          <legend>When</legend>
          <label className="check">
            <input
              type="radio"
              name="when"
              checked={!schedule}
              onChange={() => setSchedule(false)}
            />
            Start now
          </label>
          <label className="check">
            <input type="radio" name="when" checked={schedule} onChange={() => setSchedule(true)} />
            Schedule for later
          </label>
          {schedule ? (
            <Field
              label="Start time"
              name="scheduled_start"
              type="datetime-local"
              value={form.scheduledStart}
              onChange={(e) => set('scheduledStart', e.target.value)}
              error={errors.scheduledStart}
              hint="Up to 14 days ahead."
            />
          ) : null}
        </fieldset>
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Starting…' : schedule ? 'Schedule space' : 'Start now'}
        </button>
      </form>
    </main>
  );
}
