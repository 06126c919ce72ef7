import { SPACE_CONTENT_LIMITS as L, type SpaceDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import type { SpaceActions } from './actions';

export function EditSpace({
  space,
  actions,
  onClose,
}: {
  space: SpaceDto;
  actions: SpaceActions;
  onClose: () => void;
}) {
  const { t } = useTranslation('space');
  const [title, setTitle] = useState(space.title);
  const [description, setDescription] = useState(space.description);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return setError(t('editDialog.titleRequired'));
    if ([...trimmed].length > L.title_max)
      return setError(t('editDialog.titleTooLong', { max: L.title_max }));
    if ([...description.trim()].length > L.description_max) {
      return setError(t('editDialog.descriptionTooLong', { max: L.description_max }));
    }
    if (await actions.edit({ title: trimmed, description: description.trim() })) onClose();
    else setError(t('editDialog.notSaved'));
  }

  return (
    <Modal title={t('editDialog.title')} onClose={onClose}>
      <form onSubmit={submit} className="stack" noValidate>
        <Field
          label={t('editDialog.fieldTitle')}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <div className="field">
          {/* A labelled control Field (text inputs only) does not draw; alike other forms' in shape only. */}
          <label htmlFor="edit-description">{t('editDialog.description')}</label>
          <textarea
            id="edit-description"
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <ErrorText error={error} />
        <button type="submit" className="primary">
          {t('editDialog.save')}
        </button>
      </form>
    </Modal>
  );
}
