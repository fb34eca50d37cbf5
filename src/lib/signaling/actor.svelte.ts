import { createSubscriber } from 'svelte/reactivity';
import { createActor, type Actor, type ActorOptions, type AnyActorLogic, type AnyActorRef, type EventFrom, type SnapshotFrom } from 'xstate';

/**
 * XState ↔ Svelte 5 runes, without @xstate/svelte (its CJS build loads a second svelte under vitest,
 * see stack.md §6).
 *
 * useActor: call during component init. The actor is created at once but started only in the
 * browser (`$effect` never runs during SSR, so no socket is opened on the server), and stopped when
 * the component is destroyed. `snapshot` is `$state.raw`: replaced, never deeply proxied.
 *
 *   const signaling = useActor(signalingMachine, { input: { url } });
 *   {#if signaling.snapshot.matches('reconnecting')}…
 */
export function useActor<TLogic extends AnyActorLogic>(logic: TLogic, options?: ActorOptions<TLogic>) {
  const actor = createActor(logic, options as ActorOptions<TLogic>) as Actor<TLogic>;
  let snapshot = $state.raw(actor.getSnapshot() as SnapshotFrom<TLogic>);
  $effect(() => {
    const subscription = actor.subscribe({ next: (next) => (snapshot = next as SnapshotFrom<TLogic>), error: () => {} });
    actor.start();
    snapshot = actor.getSnapshot() as SnapshotFrom<TLogic>;
    return () => {
      subscription.unsubscribe();
      actor.stop();
    };
  });
  return {
    actor,
    get snapshot(): SnapshotFrom<TLogic> {
      return snapshot;
    },
    send: (event: EventFrom<TLogic>) => actor.send(event),
  };
}

/**
 * A reactive view of an actor created elsewhere (e.g. a peer the room made): reading `current` in
 * a template or `$derived` subscribes for as long as something reads it. Does not start or stop it.
 *
 *   const view = $derived(peerView(snapshotOf(peer.actor).current));
 */
export function snapshotOf<TActor extends AnyActorRef>(actor: TActor): { readonly current: SnapshotFrom<TActor> } {
  const subscribe = createSubscriber((update) => {
    const subscription = actor.subscribe({ next: update, error: () => {} });
    return () => subscription.unsubscribe();
  });
  return {
    get current() {
      subscribe();
      return actor.getSnapshot() as SnapshotFrom<TActor>;
    },
  };
}
