import type { UserDto } from '@salon/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { AvatarCrop, type CropHandle } from './AvatarCrop';

const NAME_MAX = 50;
const BIO_MAX = 160;
/** Larger pictures are refused before decoding: the crop makes every upload small anyway. */
const PICK_MAX_BYTES = 20 * 1024 * 1024;
const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';

/**
 * Edit your name, bio and picture. A new picture is previewed, placed and
 * zoomed in the browser, cut to a square and sent to the avatar route on Save.
 */
export function EditProfile({
  user,
  onSaved,
  onClose,
}: {
  user: UserDto;
  onSaved: (user: UserDto) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('profile');
  const [name, setName] = useState(user.display_name);
  const [bio, setBio] = useState(user.bio);
  const [file, setFile] = useState<File | null>(null);
  const [crop, setCrop] = useState<CropHandle | null>(null);
  const [removeAvatar, setRemoveAvatar] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const bioId = useId();
  const fileId = useId();
  const bioLength = [...bio].length;

  function pick(chosen: File | undefined) {
    setError(null);
    if (!chosen) return;
    if (!ACCEPT.split(',').includes(chosen.type)) return setError(t('avatar_wrong_type'));
    if (chosen.size > PICK_MAX_BYTES) return setError(t('avatar_too_big'));
    setRemoveAvatar(false);
    setFile(chosen);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    setNameError(undefined);
    if (!trimmed) return setNameError(t('name_required'));
    if ([...trimmed].length > NAME_MAX)
      return setNameError(t('name_too_long', { count: NAME_MAX }));
    if (bioLength > BIO_MAX) return setError(t('bio_too_long', { count: BIO_MAX }));
    setBusy(true);
    setError(null);
    try {
      let saved = user;
      if (trimmed !== user.display_name || bio.trim() !== user.bio) {
        saved = (await api.updateProfile({ display_name: trimmed, bio: bio.trim() })).user;
      }
      if (file && crop) saved = (await api.uploadAvatar(await crop.export())).user;
      else if (removeAvatar && user.avatar_url) saved = (await api.removeAvatar()).user;
      onSaved(saved);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const current = removeAvatar ? { ...user, avatar_url: null } : user;
  return (
    <Modal title={t('edit_title')} onClose={onClose}>
      <form className="stack edit-profile" onSubmit={submit} noValidate>
        <fieldset className="plain">
          <legend>{t('avatar_legend')}</legend>
          {file ? (
            <AvatarCrop
              file={file}
              onReady={setCrop}
              onError={(message) => {
                setFile(null);
                setError(message);
              }}
            />
          ) : (
            <Avatar user={current} size="xl" />
          )}
          <div className="row">
            {/* The input comes first so its keyboard focus can show on the label drawn as a button. */}
            <input
              id={fileId}
              className="visually-hidden avatar-file"
              type="file"
              accept={ACCEPT}
              onChange={(e) => {
                pick(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
            <label htmlFor={fileId} className="button">
              {file || user.avatar_url ? t('avatar_change') : t('avatar_choose')}
            </label>
            {file ? (
              <button type="button" onClick={() => setFile(null)}>
                {t('avatar_keep')}
              </button>
            ) : user.avatar_url && !removeAvatar ? (
              <button type="button" onClick={() => setRemoveAvatar(true)}>
                {t('avatar_remove')}
              </button>
            ) : null}
          </div>
        </fieldset>
        <Field
          label={t('name_label')}
          value={name}
          maxLength={NAME_MAX}
          autoComplete="name"
          error={nameError}
          onChange={(e) => setName(e.target.value)}
        />
        <p className="muted">{t('handle_fixed', { handle: user.handle })}</p>
        <div className="field">
          <label htmlFor={bioId}>{t('bio_label')}</label>
          <textarea
            id={bioId}
            rows={3}
            value={bio}
            dir="auto"
            aria-describedby={`${bioId}-count`}
            onChange={(e) => setBio(e.target.value)}
          />
          <p
            className={bioLength > BIO_MAX ? 'field-error' : 'hint'}
            id={`${bioId}-count`}
            aria-live="polite"
          >
            {t('bio_count', { count: bioLength, max: BIO_MAX })}
          </p>
        </div>
        <ErrorText error={error} />
        <div className="row">
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy || (file !== null && !crop)}>
            {busy ? t('saving') : t('save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
