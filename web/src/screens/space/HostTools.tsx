import type { SpaceSnapshot } from '@salon/protocol';
import { useState } from 'react';
import { Modal } from '../../components/Modal';
import type { SpaceActions } from './actions';
import { EditSpace } from './EditSpace';
import { InviteDialog } from './InviteDialog';
import type { Me } from './roles';

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
  const [dialog, setDialog] = useState<'edit' | 'invite' | 'end' | null>(null);
  const isHost = me.role === 'host';
  const anyoneUnmuted = snapshot.stage.some((m) => m.role === 'speaker' && !m.muted);
  return (
    <fieldset className="host-tools plain">
      <legend className="visually-hidden">Host tools</legend>
      <button type="button" onClick={() => actions.muteAll()} disabled={!anyoneUnmuted}>
        Mute all
      </button>
      <button type="button" onClick={() => setDialog('invite')}>
        Invite
      </button>
      <button type="button" onClick={() => setDialog('edit')}>
        Edit
      </button>
      {isHost ? (
        <button
          type="button"
          aria-pressed={snapshot.recording}
          onClick={() => actions.setRecording(!snapshot.recording)}
        >
          {snapshot.recording ? 'Stop recording' : 'Record'}
        </button>
      ) : null}
      {isHost ? (
        <button type="button" className="danger" onClick={() => setDialog('end')}>
          End space
        </button>
      ) : null}
      {dialog === 'edit' ? (
        <EditSpace space={snapshot.space} actions={actions} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'invite' ? (
        <InviteDialog
          snapshot={snapshot}
          isHost={isHost}
          actions={actions}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'end' ? (
        <ConfirmEnd
          onConfirm={async () => {
            if (await actions.end()) setDialog(null);
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </fieldset>
  );
}

function ConfirmEnd({ onConfirm, onClose }: { onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal title="End this space for everyone?" role="alertdialog" onClose={onClose}>
      <p className="muted">Everyone leaves and the space cannot start again.</p>
      <div className="row">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          End for everyone
        </button>
      </div>
    </Modal>
  );
}
