/**
 * botbuilder's Storage on the embedded store: one file per state key (state/<key>.json), with real
 * optimistic concurrency: a write that carries an eTag other than "*" must match what is stored.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { ConcurrencyError } from '../../storage/errors.js';
import { RecordFolder } from '../../storage/record-folder.js';

export class LowdbBotStorage implements Storage {
  private readonly folder: RecordFolder<StoreItem>;

  constructor(root: string) {
    this.folder = new RecordFolder(path.join(root, 'state'));
  }

  /** The stored items for the keys that exist. */
  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const item = await this.folder.read(key);
        if (item !== undefined) items[key] = item;
      }),
    );
    return items;
  }

  /** Writes each change; throws ConcurrencyError when a change's eTag is stale. */
  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(([key, change]) =>
        this.folder.update(key, (current) => {
          const eTag = (change as StoreItem).eTag;
          if (eTag !== undefined && eTag !== '*' && current?.eTag !== eTag) {
            throw new ConcurrencyError(`state "${key}" was changed by someone else (eTag ${eTag} is stale)`);
          }
          return { ...(change as StoreItem), eTag: randomUUID() };
        }),
      ),
    );
  }

  /** Removes the items; missing keys are fine. */
  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.folder.delete(key)));
  }

  /** Every stored key (read-only; `npm run db:move` reads the items with read()). */
  keys(): Promise<string[]> {
    return this.folder.keys();
  }
}
