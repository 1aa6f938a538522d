// Comma-separated host lists given directly to -i, e.g. 'h1,h2:2200,[::1]:22,'.
import { parseAddress } from './address.js';
import type { InventoryData } from './inventory-data.js';

/** Whether an -i value is a host list rather than a path (it has a comma and names no existing file). */
export function isHostList(source: string, exists: boolean): boolean {
  return !exists && source.includes(',');
}

/** Add every host of the list to `ungrouped`; ranges are not expanded and unparsable names are kept as is. */
export function parseHostList(data: InventoryData, source: string): void {
  for (const item of source.split(',')) {
    const text = item.trim();
    if (!text) continue;
    const addr = parseAddress(text, false);
    const host = addr?.host ?? text;
    if (!data.hosts.has(host)) data.addHost(host, 'ungrouped', addr?.port, source);
  }
}
