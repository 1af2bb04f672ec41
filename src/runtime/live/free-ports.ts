import { createSocket, type Socket } from 'node:dgram';

/**
 * `count` UDP ports free on `host` right now: bind that many sockets to port 0 at once (so the
 * kernel gives distinct ports), read them, release them. Another process may take one before the
 * agents bind it; the agent then fails to bind, loudly, and the launcher reports it.
 */
export async function findFreeUdpPorts(host: string, count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, host, () => resolve());
      });
    }
    return sockets.map((socket) => socket.address().port);
  } finally {
    await Promise.all(sockets.map(closeQuietly));
  }
}

function closeQuietly(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // never bound: nothing to release
    }
  });
}
