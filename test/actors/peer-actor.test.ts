import { describe, expect, it } from 'vitest';
import { ManualOverlay, PeerActor, type OverlaySubscriber } from '../../src/actors/index.js';

function recorder(name: string, log: string[]): OverlaySubscriber {
  return {
    onJoin: (peer, o) => log.push(`${name} join ${peer} ${o.peerActor}/${o.overlay}`),
    onLeave: (peer, o) => log.push(`${name} leave ${peer} ${o.peerActor}/${o.overlay}`),
    onNeighboursChanged: (ns, o) => log.push(`${name} neighbours [${ns.join(',')}] ${o.peerActor}/${o.overlay}`),
  };
}

describe('PeerActor and NotificationActor', () => {
  it('calls subscribers synchronously in registration order, on the kinds they implement', () => {
    const log: string[] = [];
    const a = new ManualOverlay('a', [1]);
    const peer = new PeerActor('p', a);
    peer.subscribe(recorder('s1', log));
    peer.subscribe({ onLeave: (p) => log.push(`s2 leave ${p}`) });
    peer.subscribe(recorder('s3', log));
    a.join(2);
    a.leave(1);
    expect(log).toEqual([
      's1 join 2 p/a',
      's3 join 2 p/a',
      's1 neighbours [1,2] p/a',
      's3 neighbours [1,2] p/a',
      's1 leave 1 p/a',
      's2 leave 1',
      's3 leave 1 p/a',
      's1 neighbours [2] p/a',
      's3 neighbours [2] p/a',
    ]);
  });

  it('swaps overlays: one neighbours-changed notice, then only the new overlay is heard', () => {
    const log: string[] = [];
    const a = new ManualOverlay('a', [1]);
    const b = new ManualOverlay('b', [7, 8]);
    const peer = new PeerActor('p', a);
    peer.subscribe(recorder('s', log));
    peer.swapOverlay(b);
    a.join(3);
    b.leave(7);
    expect(peer.neighbours()).toEqual([8]);
    expect(log).toEqual(['s neighbours [7,8] p/b', 's leave 7 p/b', 's neighbours [8] p/b']);
  });

  it('lets several services share a peer actor and one service use several', () => {
    const log: string[] = [];
    const a = new ManualOverlay('a');
    const b = new ManualOverlay('b');
    const pa = new PeerActor('pa', a);
    const pb = new PeerActor('pb', b);
    const both = recorder('both', log);
    pa.subscribe(both);
    pb.subscribe(both);
    pa.subscribe(recorder('onlyA', log));
    a.join(1);
    b.join(2);
    expect(log.filter((l) => !l.includes('neighbours'))).toEqual(['both join 1 pa/a', 'onlyA join 1 pa/a', 'both join 2 pb/b']);
  });

  it('stops delivering after unsubscribe and detach', () => {
    const log: string[] = [];
    const a = new ManualOverlay('a');
    const peer = new PeerActor('p', a);
    const sub = peer.subscribe(recorder('s', log));
    peer.subscribe(recorder('t', log));
    sub.unsubscribe();
    a.join(1);
    peer.detach();
    a.join(2);
    expect(log).toEqual(['t join 1 p/a', 't neighbours [1] p/a']);
  });
});
