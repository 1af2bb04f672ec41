/**
 * What DVMS reads of the overlay beneath it, re-read at every decision (the overlay changes
 * under churn). The scenario implements it over Chord (successor, successor list and fingers)
 * and Vivaldi (estimated RTTs); tests use a static ring and a plane.
 */
import type { NodeId } from '../../runtime/context.js';

export interface DvmsOverlay {
  /** The ring successor ('ring' variant), undefined while the node is in no ring. */
  successor(): NodeId | undefined;
  /** Overlay neighbours in order of preference ('neighbour' variant and fallbacks), e.g. successor list then fingers. */
  neighbours(): readonly NodeId[];
  /** Estimated RTT to `peer` in ms (Vivaldi), undefined when unknown ('locality' variant). */
  estimateRttMs(peer: NodeId): number | undefined;
  /** Peers whose coordinates are known: the nodes the 'locality' variant may pull. */
  candidates(): readonly NodeId[];
}
