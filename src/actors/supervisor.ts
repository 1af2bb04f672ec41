/**
 * The supervisor of a node's service actors. A service is a Protocol-like set of synchronous
 * handlers built by a factory; every handler (start, message, timer, overlay notification) runs
 * under the supervisor. A handler that throws gets its service restarted with fresh state (the
 * factory builds a new instance; the old instance's timers die), at most `restartsMax` times
 * within `restartWindowMs`; one more failure in the window escalates: the service is stopped for
 * good and reported (callback and counters). The node's other services never notice.
 * Callbacks a service hands its hypervisor (a migration or snapshot finished) are handlers too:
 * bound to the instance that asked, and run under the supervisor.
 */
import type { Hypervisor, Message, NodeContext, NodeId, Protocol, TimerHandle } from '../runtime/context.js';
import type { NotificationOrigin, OverlaySubscriber } from './notification-actor.js';

/** A service actor: Protocol-like handlers, every one optional but onStart. */
export interface ServiceActor extends OverlaySubscriber {
  onStart(): void;
  onMessage?(from: NodeId, message: Message): void;
  onStop?(): void;
}

/** Builds a fresh instance of a service on the supervised context (called again on restart). */
export type ServiceFactory = (ctx: NodeContext) => ServiceActor;

export interface SupervisorConfig {
  /** Restarts allowed within `restartWindowMs`; one more failure escalates. */
  readonly restartsMax: number;
  readonly restartWindowMs: number;
  /** Called once when a service is escalated (stopped for good). */
  readonly onEscalate?: (service: string, error: unknown) => void;
}

export const defaultSupervisorConfig: SupervisorConfig = { restartsMax: 3, restartWindowMs: 60_000 };

export type ServiceState = 'idle' | 'running' | 'escalated' | 'stopped';

/**
 * One supervised service, and the Protocol the stack registers under the service's name: its
 * messages arrive here and reach the current instance under the supervisor.
 */
export class SupervisedService implements Protocol, OverlaySubscriber {
  private instance: ServiceActor | null = null;
  private incarnation = 0;
  private serviceState: ServiceState = 'idle';
  /** Times of the restarts inside the window (at most restartsMax entries). */
  private restartTimesMs: number[] = [];
  private restartTotal = 0;
  private lastFailure: unknown = undefined;
  private readonly ctx: NodeContext;

  constructor(
    readonly name: string,
    private readonly parentCtx: NodeContext,
    private readonly factory: ServiceFactory,
    private readonly supervisor: Supervisor,
  ) {
    this.ctx = this.supervisedContext();
  }

  get state(): ServiceState {
    return this.serviceState;
  }

  /** Restarts since the node started. */
  get restarts(): number {
    return this.restartTotal;
  }

  get lastError(): unknown {
    return this.lastFailure;
  }

  /** The current instance (for metrics and tests), null when not running. */
  current<S extends ServiceActor>(): S | null {
    return this.serviceState === 'running' ? (this.instance as S) : null;
  }

  onStart(): void {
    if (this.serviceState !== 'idle') return;
    this.serviceState = 'running';
    this.spawn();
  }

  onMessage(from: NodeId, message: Message): void {
    this.run((s) => s.onMessage?.(from, message));
  }

  onStop(): void {
    const instance = this.serviceState === 'running' ? this.instance : null;
    this.instance = null;
    try {
      instance?.onStop?.();
    } catch {
      // the node is stopping anyway; one service's failure must not stop the others' onStop
    }
    this.incarnation++;
    this.serviceState = 'stopped';
  }

  // Notifications before the service starts are not drops: the overlay can change while the
  // node's stack starts (e.g. Chord's before DVMS's), and a starting service reads its peer
  // actor's neighbours then.
  onJoin(peer: NodeId, origin: NotificationOrigin): void {
    if (this.serviceState !== 'idle') this.run((s) => s.onJoin?.(peer, origin));
  }

  onLeave(peer: NodeId, origin: NotificationOrigin): void {
    if (this.serviceState !== 'idle') this.run((s) => s.onLeave?.(peer, origin));
  }

  onNeighboursChanged(neighbours: readonly NodeId[], origin: NotificationOrigin): void {
    if (this.serviceState !== 'idle') this.run((s) => s.onNeighboursChanged?.(neighbours, origin));
  }

  /** Run `handler` on the current instance; a throw restarts the service (or escalates). */
  private run(handler: (service: ServiceActor) => void): void {
    if (this.serviceState !== 'running' || this.instance === null) {
      this.parentCtx.metrics.count('actors.dropped');
      return;
    }
    try {
      handler(this.instance);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Build and start instances until one starts cleanly or the service is escalated. */
  private spawn(): void {
    for (;;) {
      this.incarnation++;
      try {
        this.instance = null;
        this.instance = this.factory(this.ctx);
        this.instance.onStart();
        return;
      } catch (error) {
        if (!this.recordFailure(error)) return;
      }
    }
  }

  private fail(error: unknown): void {
    if (this.recordFailure(error)) this.spawn();
  }

  /** Stop the failed instance; true = restart it, false = escalated. */
  private recordFailure(error: unknown): boolean {
    this.lastFailure = error;
    const failed = this.instance;
    this.instance = null;
    this.incarnation++; // the failed instance's timers die
    try {
      failed?.onStop?.();
    } catch {
      // a failed instance's last words do not matter
    }
    const nowMs = this.parentCtx.nowMs();
    this.restartTimesMs = this.restartTimesMs.filter((t) => nowMs - t < this.supervisor.config.restartWindowMs);
    if (this.restartTimesMs.length >= this.supervisor.config.restartsMax) {
      this.serviceState = 'escalated';
      this.supervisor.escalated(this, error);
      return false;
    }
    this.restartTimesMs.push(nowMs);
    this.restartTotal++;
    this.supervisor.restarted(this);
    return true;
  }

  /** `callback`, bound to the current incarnation and run under the supervisor. */
  private bound<A>(callback: (arg: A) => void): (arg: A) => void {
    const incarnation = this.incarnation;
    return (arg) => {
      if (this.incarnation === incarnation) this.run(() => callback(arg));
    };
  }

  /** The node's hypervisor as the service sees it: the same host, its callbacks supervised. */
  private supervisedHypervisor(hv: Hypervisor): Hypervisor {
    return {
      host: () => hv.host(),
      cpuDemand: () => hv.cpuDemand(),
      memoryUsedMiB: () => hv.memoryUsedMiB(),
      vmCount: () => hv.vmCount(),
      vms: () => hv.vms(),
      incomingVms: () => hv.incomingVms(),
      migrate: (vm, to, onDone, by) => hv.migrate(vm, to, this.bound(onDone), by),
      migrateTogether: (vms, to, onDone, by) => hv.migrateTogether(vms, to, this.bound(onDone), by),
      start: (vm) => hv.start(vm),
      stop: (vm) => hv.stop(vm),
      suspend: (vm) => hv.suspend(vm),
      resume: (vm) => hv.resume(vm),
      snapshot: (vm, onDone) => hv.snapshot(vm, this.bound(onDone)),
      shipSnapshot: (vm, to, onDone) => hv.shipSnapshot(vm, to, this.bound(onDone)),
      sendSnapshot: (vm, to, onDone) => hv.sendSnapshot(vm, to, this.bound(onDone)),
      restoreSnapshot: (spec, onDone) => hv.restoreSnapshot(spec, this.bound(onDone)),
      dropSnapshot: (vm) => hv.dropSnapshot(vm),
    };
  }

  /** The parent context, with timers bound to one incarnation and run under the supervisor. */
  private supervisedContext(): NodeContext {
    const parent = this.parentCtx;
    const hypervisor = parent.hypervisor === undefined ? undefined : this.supervisedHypervisor(parent.hypervisor);
    return {
      id: parent.id,
      hypervisor,
      rng: parent.rng,
      metrics: parent.metrics,
      nowMs: () => parent.nowMs(),
      send: (to, message, sizeBytes) => parent.send(to, message, sizeBytes),
      bootstrapPeers: () => parent.bootstrapPeers(),
      setTimer: (delayMs: number, handler: () => void): TimerHandle => {
        const incarnation = this.incarnation;
        return parent.setTimer(delayMs, () => {
          if (this.incarnation === incarnation) this.run(handler);
        });
      },
    };
  }
}

function validateSupervisorConfig(config: SupervisorConfig): void {
  if (!(Number.isInteger(config.restartsMax) && config.restartsMax >= 0)) {
    throw new RangeError(`SupervisorConfig.restartsMax: expected an integer >= 0, got ${config.restartsMax}`);
  }
  if (!(config.restartWindowMs > 0)) {
    throw new RangeError(`SupervisorConfig.restartWindowMs: expected a number > 0, got ${config.restartWindowMs}`);
  }
}

/**
 * What a stack registered under a name, seen through its supervision: the running instance of
 * a supervised service (undefined while it is not running: escalated, or its node stopped), or
 * the protocol itself when it is not supervised. For probes and drivers that read a service's
 * state (a scheduler's log, a DVMS node's partition) whichever way the stack runs it.
 */
export function serviceInstance<T>(protocol: Protocol | undefined): T | undefined {
  if (protocol instanceof SupervisedService) return (protocol.current() ?? undefined) as T | undefined;
  return protocol as T | undefined;
}

/**
 * The services of one node, under one restart policy. Registered in a stack under its own name
 * (it sends nothing): gives access to the services and to restart and escalation counts.
 */
export class Supervisor implements Protocol {
  private readonly children = new Map<string, SupervisedService>();
  private readonly escalations: string[] = [];
  private policy: SupervisorConfig;

  constructor(
    private readonly ctx: NodeContext,
    config: SupervisorConfig = defaultSupervisorConfig,
  ) {
    validateSupervisorConfig(config);
    this.policy = config;
  }

  get config(): SupervisorConfig {
    return this.policy;
  }

  /**
   * Set the restart policy while the node's stack is being built (one layer may create the
   * supervisor and a later one, e.g. a scenario's `services` section, set its policy); an error
   * once a service has started.
   */
  configure(config: SupervisorConfig): void {
    validateSupervisorConfig(config);
    for (const child of this.children.values()) if (child.state !== 'idle') throw new Error(`Supervisor: policy set after service ${child.name} started`);
    this.policy = config;
  }

  /** Supervise the service `name`, built by `factory` on `ctx` (its own protocol context). */
  supervise(name: string, ctx: NodeContext, factory: ServiceFactory): SupervisedService {
    if (this.children.has(name)) throw new Error(`Supervisor: service ${name} supervised twice`);
    const child = new SupervisedService(name, ctx, factory, this);
    this.children.set(name, child);
    return child;
  }

  service(name: string): SupervisedService {
    const child = this.children.get(name);
    if (child === undefined) throw new Error(`Supervisor: no service ${name}`);
    return child;
  }

  /** The supervised services, in the order they were added. */
  services(): SupervisedService[] {
    return [...this.children.values()];
  }

  /** Names of the services escalated so far, in escalation order. */
  escalatedServices(): readonly string[] {
    return this.escalations;
  }

  onStart(): void {}

  onMessage(): void {
    this.ctx.metrics.count('actors.supervisor.unknown_messages');
  }

  /** @internal */
  restarted(child: SupervisedService): void {
    this.ctx.metrics.count('actors.restarts');
    this.ctx.metrics.count(`actors.${child.name}.restarts`);
  }

  /** @internal */
  escalated(child: SupervisedService, error: unknown): void {
    this.escalations.push(child.name);
    this.ctx.metrics.count('actors.escalations');
    this.ctx.metrics.count(`actors.${child.name}.escalations`);
    this.config.onEscalate?.(child.name, error);
  }
}
