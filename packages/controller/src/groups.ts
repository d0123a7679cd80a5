// OpenFlow group ids for the groups logical actions need (select for LBs, …). Ids are stable across
// recomputations: a group keeps its id as long as some flow still uses the same contents.
import { type Group, formatActions } from '@ovnts/openflow';

export function groupText(g: Omit<Group, 'groupId'>): string {
  let s = `type=${g.type}`;
  if (g.selectionMethod) s += `,selection_method=${g.selectionMethod}`;
  if (g.fields?.length) s += `,fields(${g.fields.join(',')})`;
  for (const [i, b] of g.buckets.entries())
    s += `,bucket=bucket_id:${b.bucketId ?? i},weight:${b.weight ?? 100},actions=${formatActions(b.actions)}`;
  return s;
}

export class GroupTable {
  private readonly ids = new Map<string, number>();
  private used = new Map<string, Group>();
  private readonly free: number[] = [];
  private next = 1;

  /** Starts a recomputation: groups not requested again before `end()` are dropped. */
  begin(): void {
    this.used = new Map();
  }

  id(g: Omit<Group, 'groupId'>): number {
    const text = groupText(g);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.free.shift() ?? this.next++;
      this.ids.set(text, id);
    }
    if (!this.used.has(text)) this.used.set(text, { ...g, groupId: id });
    return id;
  }

  /** Ends a recomputation; returns the groups now wanted on the switch. */
  end(): Group[] {
    for (const [text, id] of this.ids) {
      if (this.used.has(text)) continue;
      this.ids.delete(text);
      this.free.push(id);
    }
    this.free.sort((a, b) => a - b);
    return [...this.used.values()];
  }
}
