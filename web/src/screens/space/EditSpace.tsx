import { SPACE_CONTENT_LIMITS as L, type SpaceDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
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
  const [title, setTitle] = useState(space.title);
  const [description, setDescription] = useState(space.description);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const t = title.trim();
    if (!t) return setError('Give your space a title.');
    if ([...t].length > L.title_max)
      return setError(`A title is at most ${L.title_max} characters.`);
    if ([...description.trim()].length > L.description_max) {
      return setError(`A description is at most ${L.description_max} characters.`);
    }
    if (await actions.edit({ title: t, description: description.trim() })) onClose();
    else setError('The change was not saved.');
  }

  return (
    <Modal title="Edit space" onClose={onClose}>
      <form onSubmit={submit} className="stack" noValidate>
        <Field label="Title" value={title} onChange={(e) => setTitle(e.target.value)} />
        <div className="field">
          <label htmlFor="edit-description">Description</label>
          <textarea
            id="edit-description"
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <ErrorText error={error} />
        <button type="submit" className="primary">
          Save
        </button>
      </form>
    </Modal>
  );
}
