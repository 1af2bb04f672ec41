/**
 * Scores the image store from the model: storage from the copies the stores hold (with and
 * without deduplication), WAN bytes and bytes x km from the fetches that arrived, boot times as
 * the boot service timed them on the kernel clock (request to boot set read), and the share of
 * VMs whose every chunk has a copy on a store up now.
 */
import type { MetricSeries } from '../../metrics/series.js';
import { mean, quantile } from '../../metrics/stats.js';
import type { ImageServices } from '../image-setup.js';

export function recordImages(series: MetricSeries, timeS: number, images: ImageServices): void {
  const { store, boots } = images;
  series.record(timeS, 'images.storage_bytes', store.storageBytes);
  series.record(timeS, 'images.storage_bytes_nodedup', store.storageBytesNoDedup);
  series.record(timeS, 'images.dedup_saving', 1 - store.storageBytes / store.storageBytesNoDedup);
  series.record(timeS, 'images.cache_bytes', store.cacheBytes);
  series.record(timeS, 'images.wan_bytes', boots.wanBytes);
  series.record(timeS, 'images.wan_byte_km', boots.wanByteKm);
  series.record(timeS, 'images.recoverable_share', store.recoverableShare());
  series.count(timeS, 'images.boots', boots.bootS.length);
  series.count(timeS, 'images.boots_abandoned', boots.bootsAbandoned);
  if (boots.bootS.length === 0) return;
  series.record(timeS, 'images.boot_s_mean', mean(boots.bootS));
  series.record(timeS, 'images.boot_s_p95', quantile(boots.bootS, 0.95));
  series.record(timeS, 'images.boot_s_max', Math.max(...boots.bootS));
}
