import type { SpaceSnapshot } from '@salon/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clippingAllowed } from '../clips/clips';
import type { SpaceActions } from './actions';
import { Confirm } from './Confirm';
import { SpaceCaptionsSetting } from './captions/CaptionsSetting';
import { EditSpace } from './EditSpace';
import { InviteDialog } from './InviteDialog';
import { type Me, may } from './roles';

/** The host's and co-hosts' tools for the whole space. */
export function HostTools({
  snapshot,
  me,
  actions,
}: {
  snapshot: SpaceSnapshot;
  me: Me;
  actions: SpaceActions;
}) {
  const { t } = useTranslation('space');
  const [dialog, setDialog] = useState<'edit' | 'invite' | 'end' | null>(null);
  const guestsHelp = useId();
  const clipsHelp = useId();
  const anyoneUnmuted = snapshot.stage.some((m) => m.role === 'speaker' && !m.muted);
  const allowGuests = snapshot.space.allow_guests !== false;
  return (
    <fieldset className="host-tools plain">
      <legend className="visually-hidden">{t('host.tools')}</legend>
      {/* Each control shows exactly when the policy's table lets its command through. */}
      {may(me, 'mute_all') ? (
        <button type="button" onClick={() => actions.muteAll()} disabled={!anyoneUnmuted}>
          {t('host.muteAll')}
        </button>
      ) : null}
      {may(me, 'invite') ? (
        <button type="button" onClick={() => setDialog('invite')}>
          {t('host.invite')}
        </button>
      ) : null}
      {may(me, 'edit') ? (
        <button type="button" onClick={() => setDialog('edit')}>
          {t('host.edit')}
        </button>
      ) : null}
      {may(me, 'set_recording') ? (
        <button
          type="button"
          aria-pressed={snapshot.recording}
          onClick={() => actions.setRecording(!snapshot.recording)}
        >
          {snapshot.recording ? t('host.stopRecording') : t('host.record')}
        </button>
      ) : null}
      {may(me, 'end') ? (
        <button type="button" className="danger" onClick={() => setDialog('end')}>
          {t('host.end')}
        </button>
      ) : null}
      {may(me, 'set_guests') ? (
        <div className="host-setting">
          {/* Each setting is a checkbox with its help (as CaptionsSetting's): written out, as each calls its own action. */}
          <label className="check">
            <input
              type="checkbox"
              checked={allowGuests}
              aria-describedby={guestsHelp}
              onChange={(e) => void actions.setAllowGuests(e.target.checked)}
            />{' '}
            {t('host.guests')}
          </label>
          <p id={guestsHelp} className="muted small">
            {t('host.guestsHelp')}
          </p>
        </div>
      ) : null}
      {/* The host and co-hosts alike may turn clipping off. */}
      <div className="host-setting">
        <label className="check">
          <input
            type="checkbox"
            checked={clippingAllowed(snapshot.space)}
            aria-describedby={clipsHelp}
            onChange={(e) => void actions.setClipping(e.target.checked)}
          />{' '}
          {t('host.clips')}
        </label>
        <p id={clipsHelp} className="muted small">
          {t('host.clipsHelp')}
        </p>
      </div>
      {/* The host and co-hosts alike may turn captions on or off. */}
      <SpaceCaptionsSetting space={snapshot.space} />
      {dialog === 'edit' ? (
        <EditSpace space={snapshot.space} actions={actions} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'invite' ? (
        <InviteDialog
          snapshot={snapshot}
          isHost={may(me, 'invite_cohost')}
          actions={actions}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'end' ? (
        <Confirm
          title={t('confirmEnd.title')}
          cancel={t('confirmEnd.cancel')}
          confirm={t('confirmEnd.confirm')}
          onConfirm={async () => {
            if (await actions.end()) setDialog(null);
          }}
          onClose={() => setDialog(null)}
        >
          <p className="muted">{t('confirmEnd.body')}</p>
        </Confirm>
      ) : null}
    </fieldset>
  );
}
