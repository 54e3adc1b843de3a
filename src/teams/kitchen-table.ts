/**
 * Kitchen-table interviews: a member of staff runs the intake together with a resident in their own
 * Teams chat ("nytt samtal"). While one is under way, that chat's messages go to the intake; the
 * case it ends in is recorded as staff-assisted.
 */
import type { StaffIdentity } from '../core/staff/access.js';
import type { Records } from '../storage/records.js';

export interface KitchenTable {
  conversationId: string;
  staff: Pick<StaffIdentity, 'id' | 'name' | 'organisationId'>;
  startedAt: string;
}

export class KitchenTables {
  constructor(private readonly folder: Records<KitchenTable>) {}

  start(conversationId: string, staff: StaffIdentity): Promise<void> {
    return this.folder.write(conversationId, { conversationId, staff: { id: staff.id, name: staff.name, organisationId: staff.organisationId }, startedAt: new Date().toISOString() });
  }

  get(conversationId: string): Promise<KitchenTable | undefined> {
    return this.folder.read(conversationId);
  }

  end(conversationId: string): Promise<void> {
    return this.folder.delete(conversationId);
  }
}
