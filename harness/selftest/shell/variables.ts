/**
 * Shell variables: strings and indexed arrays, readonly marks, and the dynamic scoping of
 * `local` (a function's locals hide the caller's values until it returns). Special
 * parameters ($?, $1 ...) are the interpreter's business, not stored here.
 */

/** a string, or an indexed array; arrays are sparse (unset elements are holes) */
export type Value = string | string[];

const copy = (v: Value): Value => (Array.isArray(v) ? v.slice() : v);

export class Variables {
  private vars = new Map<string, Value>();
  private readonlyNames = new Set<string>();
  /** per function call: the values `local` hid, restored on return */
  private frames: Map<string, Value | undefined>[] = [];

  /** the stored value itself (arrays by reference) */
  raw(name: string): Value | undefined {
    return this.vars.get(name);
  }

  /** $name: an array gives its element 0 */
  scalar(name: string): string | undefined {
    const v = this.vars.get(name);
    return Array.isArray(v) ? v[0] : v;
  }

  /** ${name[@]}: the set elements in index order; a string is one element */
  elements(name: string): string[] {
    const v = this.vars.get(name);
    if (v === undefined) return [];
    return Array.isArray(v) ? v.filter(() => true) : [v];
  }

  /** ${name[i]}; a negative index counts from the end */
  element(name: string, index: number): string | undefined {
    const v = this.vars.get(name);
    if (!Array.isArray(v)) return index === 0 ? v : undefined;
    return v[index < 0 ? v.length + index : index];
  }

  setScalar(name: string, value: string): void {
    const v = this.vars.get(name);
    if (Array.isArray(v)) v[0] = value;
    else this.vars.set(name, value);
  }

  /** false for a negative index before the start */
  setElement(name: string, index: number, value: string): boolean {
    let v = this.vars.get(name);
    if (!Array.isArray(v)) {
      v = v === undefined ? [] : [v];
      this.vars.set(name, v);
    }
    const i = index < 0 ? v.length + index : index;
    if (i < 0) return false;
    v[i] = value;
    return true;
  }

  /** X=(...) or X+=(...) */
  setArray(name: string, items: string[], append = false): void {
    const old = this.vars.get(name);
    const base = !append || old === undefined ? [] : Array.isArray(old) ? old.slice() : [old];
    base.push(...items);
    this.vars.set(name, base);
  }

  /** put back a value saved with raw() (or remove the variable when it was unset) */
  restore(name: string, v: Value | undefined): void {
    if (v === undefined) this.vars.delete(name);
    else this.vars.set(name, v);
  }

  unset(name: string): void {
    this.vars.delete(name);
  }

  unsetElement(name: string, index: number): void {
    const v = this.vars.get(name);
    if (Array.isArray(v)) delete v[index < 0 ? v.length + index : index];
    else if (index === 0) this.vars.delete(name);
  }

  isReadonly(name: string): boolean {
    return this.readonlyNames.has(name);
  }

  markReadonly(name: string): void {
    this.readonlyNames.add(name);
  }

  // ---- function scopes ----

  get depth(): number {
    return this.frames.length;
  }

  pushFrame(): void {
    this.frames.push(new Map());
  }

  popFrame(): void {
    const frame = this.frames.pop();
    for (const [name, v] of frame ?? []) this.restore(name, v);
  }

  /** `local NAME`: hide the current value until the function returns; the name starts unset */
  declareLocal(name: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame.has(name)) return;
    const v = this.vars.get(name);
    frame.set(name, v === undefined ? undefined : copy(v));
    this.vars.delete(name);
  }

  /** a copy of everything, for a subshell; the returned function puts it back */
  snapshot(): () => void {
    const vars = new Map([...this.vars].map(([k, v]) => [k, copy(v)] as const));
    const readonlyNames = new Set(this.readonlyNames);
    const frames = this.frames.map((f) => new Map(f));
    return () => {
      this.vars = vars;
      this.readonlyNames = readonlyNames;
      this.frames = frames;
    };
  }
}
