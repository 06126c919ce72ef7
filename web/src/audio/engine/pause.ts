/**
 * A listener's pause, from the lock screen or headphones (the Media Session's
 * pause): while paused, the space's audio is treated as not live for them, so
 * the controller closes the link and frees their seat; resuming opens a new
 * one at the live edge, as X does (a live space is not rewound). The stage
 * never pauses: a stage member's microphone and return audio are the space.
 */
type Listener = () => void;

export class ListenPause {
  private value = false;
  private readonly listeners = new Set<Listener>();

  get paused(): boolean {
    return this.value;
  }

  set(paused: boolean): void {
    if (paused === this.value) return;
    this.value = paused;
    for (const listener of [...this.listeners]) listener();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): boolean => this.value;
}

/** The page's one: there is one space's audio per page. */
export const listenPause = new ListenPause();
