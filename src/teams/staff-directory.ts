/**
 * Who is staff in Teams: data/staff-teams.yaml maps a Microsoft Entra object id (what Teams sends as
 * aadObjectId) to a name, an organisation of the directory and a role. Checked with zod at start-up.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ContentError, parseFile } from '../core/content/load.js';
import type { Directory } from '../core/content/schema.js';
import { displayPath } from '../core/display-path.js';
import { unitKey, type StaffIdentity } from '../core/staff/access.js';

const schema = z.strictObject({
  members: z
    .array(
      z.strictObject({
        objectId: z.uuid('must be a Microsoft Entra object id (a UUID)'),
        name: z.string().min(1),
        organisation: z.string().min(1),
        role: z.enum(['staff', 'admin']),
        /** The organisation's contact point types this person works in (bistand, ifo, vardcentral…). */
        units: z.array(z.string().min(1)).default([]),
      }),
    )
    .default([]),
});

export class TeamsStaffDirectory {
  private constructor(private readonly byObjectId: Map<string, StaffIdentity>) {}

  /** Reads <contentDir>/staff-teams.yaml (a missing file means nobody); organisations must exist. */
  static load(contentDir: string, directory: Directory): TeamsStaffDirectory {
    const file = path.join(contentDir, 'staff-teams.yaml');
    if (!existsSync(file)) return new TeamsStaffDirectory(new Map());
    // An empty file is an empty list.
    const parsed = parseFile(z.preprocess((v) => v ?? {}, schema), file);
    const map = new Map<string, StaffIdentity>();
    parsed.members.forEach((m, i) => {
      const org = directory.organisations.find((o) => o.id === m.organisation);
      if (!org) throw new ContentError(displayPath(file), `members[${i}].organisation`, `"${m.organisation}" is not an organisation in directory.yaml`);
      m.units.forEach((type, j) => {
        if (!org.contacts.some((c) => c.type === type)) {
          throw new ContentError(displayPath(file), `members[${i}].units[${j}]`, `"${type}" is not a contact point of ${m.organisation} in directory.yaml (${org.contacts.map((c) => c.type).join(', ')})`);
        }
      });
      const units = m.units.map((type) => unitKey(m.organisation, type));
      map.set(m.objectId.toLowerCase(), { id: m.objectId.toLowerCase(), name: m.name, organisationId: m.organisation, role: m.role, units });
    });
    return new TeamsStaffDirectory(map);
  }

  /** Everyone on the list. */
  all(): StaffIdentity[] {
    return [...this.byObjectId.values()];
  }

  /** The member of staff with this Entra object id, if any (units as staff-teams.yaml lists them). */
  find(objectId: string | undefined): StaffIdentity | undefined {
    return objectId ? this.byObjectId.get(objectId.toLowerCase()) : undefined;
  }
}
