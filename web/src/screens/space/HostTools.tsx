import {
  SPACE_SWITCHES,
  type SpaceSnapshot,
  type SpaceSwitch,
  SWITCH_NAMES,
  switchOn,
} from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckSetting } from '../../components/CheckSetting';
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
  const anyoneUnmuted = snapshot.stage.some((m) => m.role === 'speaker' && !m.muted);
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
      {/* The switches (the protocol's SPACE_SWITCHES), each shown when its action is allowed. */}
      {SWITCH_NAMES.filter(
        (name) => !('ownScreen' in SPACE_SWITCHES[name]) && may(me, SPACE_SWITCHES[name].action),
      ).map((name) => (
        <SwitchSetting
          key={name}
          name={name}
          on={switchOn(snapshot.space, name)}
          onChange={(on) => void actions.setSwitch(name, on)}
        />
      ))}
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

/** One switch of the space: a checkbox with its help, worded by `space:switches.<name>`. */
export function SwitchSetting({
  name,
  on,
  disabled,
  onChange,
}: {
  name: SpaceSwitch;
  on: boolean;
  disabled?: boolean;
  onChange: (on: boolean) => void;
}) {
  const { t } = useTranslation('space');
  return (
    <CheckSetting
      label={t(`switches.${name}.label`)}
      help={t(`switches.${name}.help`)}
      checked={on}
      disabled={disabled}
      onChange={onChange}
    />
  );
}
