#!/usr/bin/env python3
# Compare `klp-selftest trace` output with the reference cases, with a diff per mismatch.
# usage: klp-selftest trace suites/MODEL/SCRIPT.yaml > out; scripts/compare-reference.py MODEL SCRIPT out
import sys,glob,yaml,re,os
model,script,trace=sys.argv[1:4]
text=open(trace).read()
blocks=re.split(r'^=== TEST: (.*)$', text, flags=re.M)
got={}
for i in range(1,len(blocks),2):
    got[blocks[i]]=blocks[i+1].strip('\n')
ok=0;bad=0
for p in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'reference', 'cases', f'{model}', script, '*.yaml'))):
    c=yaml.safe_load(open(p))
    if c.get('disabled'): continue
    t=c['title']
    wants=[c['expected']]+[v['expected'] for v in c.get('variants') or []]
    g=got.get(t)
    def m(w):
        pat=re.escape(w)
        for n in c.get('placeholders') or {}: pat=pat.replace(re.escape('$'+n), r'[0-9,]+')
        return g is not None and re.fullmatch(pat,g) is not None
    if any(m(w) for w in wants): ok+=1
    else:
        bad+=1
        print('MISMATCH', os.path.basename(p))
        import difflib
        print('\n'.join(difflib.unified_diff(wants[0].split('\n'), (g or '<missing>').split('\n'), 'expected','result',lineterm='')))
print(f'{script}: {ok} ok, {bad} bad')
