import type { Random } from '../kernel/random.js';

/**
 * Windows of message loss on backbone links (the `message-loss` fault): while a window holds,
 * a message whose path crosses the link is dropped with the window's probability, independently
 * per link and per window. The draws come from one seeded stream in send order, so a run replays
 * exactly; a message whose path crosses no lossy link draws nothing, so a window leaves the
 * draws of unaffected traffic alone.
 */
export class LinkLoss {
  /** Probabilities of the windows open on each link. */
  private readonly windows: number[][];
  /** Probability that a message survives every open window of the path between two PoPs. */
  private readonly pathSurvival = new Map<number, number>();
  private openWindows = 0;

  constructor(
    private readonly linkCount: number,
    private readonly popCount: number,
    private readonly rng: Random,
    /** Counts the messages dropped (a counter cell of the run). */
    private readonly dropped: { value: number } = { value: 0 },
  ) {
    this.windows = Array.from({ length: linkCount }, () => []);
  }

  get active(): boolean {
    return this.openWindows > 0;
  }

  /** Open (open = true) or close one window of loss probability `probability` on `link`. */
  setWindow(link: number, probability: number, open: boolean): void {
    if (!(Number.isInteger(link) && link >= 0 && link < this.linkCount)) throw new RangeError(`LinkLoss: no link ${link}`);
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`LinkLoss: probability ${probability} is not in [0, 1]`);
    const list = this.windows[link];
    if (open) {
      list.push(probability);
      this.openWindows++;
    } else {
      const k = list.indexOf(probability);
      if (k < 0) throw new RangeError(`LinkLoss: no open window of ${probability} on link ${link}`);
      list.splice(k, 1);
      this.openWindows--;
    }
    this.pathSurvival.clear();
  }

  /** Paths changed (a link or PoP went down or up): survival per PoP pair must be recomputed. */
  pathsChanged(): void {
    this.pathSurvival.clear();
  }

  /** Whether one message from PoP `pa` to PoP `pb` is lost now; `pathLinks` gives its route. */
  drops(pa: number, pb: number, pathLinks: (pa: number, pb: number) => readonly number[] | null): boolean {
    const key = pa * this.popCount + pb;
    let survival = this.pathSurvival.get(key);
    if (survival === undefined) {
      survival = 1;
      for (const link of pathLinks(pa, pb) ?? []) for (const p of this.windows[link]) survival *= 1 - p;
      this.pathSurvival.set(key, survival);
    }
    if (survival === 1) return false;
    if (this.rng.next() < survival) return false;
    this.dropped.value++;
    return true;
  }
}
