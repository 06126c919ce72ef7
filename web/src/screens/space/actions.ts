import type { EditSpaceBody, InvitationRole, ReactionEmoji, SpaceSwitch } from '@salon/protocol';
import { api, errorMessage } from '../../api';
import { i18n } from '../../i18n';
import type { RealtimeClient } from '../../realtime';
import type { SpaceStore } from '../../spaceStore';

/**
 * Everything a person can do in a space. The server answers each command
 * with the space; the change itself arrives as a realtime event, so these
 * only report failures (as the store's notice) and whether they succeeded.
 */
export interface SpaceActions {
  requestToSpeak(): Promise<boolean>;
  cancelRequest(): Promise<boolean>;
  acceptInvitation(): Promise<boolean>;
  declineInvitation(): Promise<boolean>;
  mute(userId: string): Promise<boolean>;
  unmute(userId: string): Promise<boolean>;
  leaveStage(): Promise<boolean>;
  muteAll(): Promise<boolean>;
  approve(userId: string): Promise<boolean>;
  decline(userId: string): Promise<boolean>;
  invite(userId: string, role: InvitationRole): Promise<boolean>;
  removeFromStage(userId: string): Promise<boolean>;
  removeFromSpace(userId: string): Promise<boolean>;
  makeCohost(userId: string): Promise<boolean>;
  removeCohost(userId: string): Promise<boolean>;
  edit(edit: EditSpaceBody): Promise<boolean>;
  start(): Promise<boolean>;
  end(): Promise<boolean>;
  handOver(userId: string): Promise<boolean>;
  /** Turns a switch of the space (guests, clipping, captions, speaker requests) on or off. */
  setSwitch(name: SpaceSwitch, on: boolean): Promise<boolean>;
  setRecording(on: boolean): Promise<boolean>;
  pin(postId: string): Promise<boolean>;
  unpin(postId: string): Promise<boolean>;
  block(userId: string): Promise<boolean>;
  react(emoji: ReactionEmoji): void;
}

export function spaceActions(
  spaceId: string,
  store: SpaceStore,
  client: RealtimeClient,
): SpaceActions {
  const run =
    <A extends unknown[]>(call: (...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      store.notify(null);
      try {
        await call(...args);
        return true;
      } catch (error) {
        store.notify(errorMessage(error));
        return false;
      }
    };
  const id = spaceId;
  return {
    requestToSpeak: run(() => api.requestToSpeak(id)),
    cancelRequest: run(() => api.cancelRequest(id)),
    acceptInvitation: run(() => api.acceptInvitation(id)),
    declineInvitation: run(() => api.declineInvitation(id)),
    mute: run((userId: string) => api.mute(id, userId)),
    unmute: run((userId: string) => api.unmute(id, userId)),
    leaveStage: run(() => api.leaveStage(id)),
    muteAll: run(() => api.muteAll(id)),
    approve: run((userId: string) => api.approve(id, userId)),
    decline: run((userId: string) => api.decline(id, userId)),
    invite: run((userId: string, role: InvitationRole) => api.invite(id, userId, role)),
    removeFromStage: run((userId: string) => api.removeFromStage(id, userId)),
    removeFromSpace: run((userId: string) => api.removeFromSpace(id, { kind: 'user', id: userId })),
    makeCohost: run((userId: string) => api.addCohost(id, userId)),
    removeCohost: run((userId: string) => api.removeCohost(id, userId)),
    edit: run((edit: EditSpaceBody) => api.editSpace(id, edit)),
    start: run(() => api.startSpace(id)),
    end: run(() => api.endSpace(id)),
    handOver: run((userId: string) => api.handOver(id, userId)),
    setSwitch: run((name: SpaceSwitch, on: boolean) => api.setSwitch(id, name, on)),
    setRecording: run((on: boolean) => api.setRecording(id, on)),
    pin: run((postId: string) => api.pin(id, postId)),
    unpin: run((postId: string) => api.unpin(id, postId)),
    block: run((userId: string) => api.blockInSpace(id, userId)),
    react: (emoji) => {
      if (!client.react(id, emoji)) store.notify(i18n.t('space:reactionNotSent'));
    },
  };
}
