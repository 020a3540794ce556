# Reads a heap dump (HPROF) without a JDK tool.
#   python3 bench/tools/hprof.py hist DUMP.hprof [ROWS]      class histogram: shallow bytes and instances, largest first
#   python3 bench/tools/hprof.py refs DUMP.hprof CLASS       who holds a class's instances: the classes and fields that
#                                                            refer to them from outside the class, and GC roots
import sys, struct, collections
mode=sys.argv[1]; data=open(sys.argv[2],'rb').read()
p=data.index(b'\0')+1
ids=struct.unpack('>I',data[p:p+4])[0]; p+=12
fmt='>Q' if ids==8 else '>I'
def rid(o): return struct.unpack(fmt,data[o:o+ids])[0]
sizes={2:ids,4:1,5:2,6:4,7:8,8:1,9:2,10:4,11:8}
names={}; cls={}; cdump={}; insts=[]; objarrs=[]; roots=collections.defaultdict(list)
count=collections.Counter(); size=collections.Counter()
PRIMS={4:'boolean[]',5:'char[]',6:'float[]',7:'double[]',8:'byte[]',9:'short[]',10:'int[]',11:'long[]'}
n=len(data)
while p<n:
    tag=data[p]; ln=struct.unpack('>I',data[p+5:p+9])[0]; body=p+9; end=body+ln; p=end
    if tag==1: names[rid(body)]=data[body+ids:end].decode('utf8','replace')
    elif tag==2: cls[rid(body+4)]=rid(body+8+ids)
    elif tag in (0x0c,0x1c):
        q=body
        while q<end:
            st=data[q]; q+=1
            if st==0xff: roots['unknown'].append(rid(q)); q+=ids
            elif st==1: roots['jniglobal'].append(rid(q)); q+=2*ids
            elif st in (2,3): roots['frame/jnilocal'].append(rid(q)); q+=ids+8
            elif st==4: roots['native'].append(rid(q)); q+=ids+4
            elif st==5: roots['sticky'].append(rid(q)); q+=ids
            elif st==6: roots['threadblock'].append(rid(q)); q+=ids+4
            elif st==7: roots['monitor'].append(rid(q)); q+=ids
            elif st==8: roots['thread'].append(rid(q)); q+=ids+8
            elif st==0x20:
                cid=rid(q); sup=rid(q+ids+4); q+=ids+4+6*ids+4
                c=struct.unpack('>H',data[q:q+2])[0]; q+=2
                for _ in range(c):
                    t=data[q+2]; q+=3+sizes[t]
                c=struct.unpack('>H',data[q:q+2])[0]; q+=2
                statics=[]
                for _ in range(c):
                    nm=rid(q); t=data[q+ids]
                    if t==2: statics.append((nm,rid(q+ids+1)))
                    q+=ids+1+sizes[t]
                c=struct.unpack('>H',data[q:q+2])[0]; q+=2
                fields=[]
                for _ in range(c):
                    fields.append((rid(q),data[q+ids])); q+=ids+1
                cdump[cid]=(sup,fields,statics)
            elif st==0x21:
                oid=rid(q); k=rid(q+ids+4); nb=struct.unpack('>I',data[q+2*ids+4:q+2*ids+8])[0]
                insts.append((oid,k,q+2*ids+8)); count[k]+=1; size[k]+=nb+16; q+=2*ids+8+nb
            elif st==0x22:
                oid=rid(q); c=struct.unpack('>I',data[q+ids+4:q+ids+8])[0]
                k=('objarr',rid(q+ids+8)); count[k]+=1; size[k]+=c*ids+16
                objarrs.append((oid,rid(q+ids+8),q+2*ids+8,c)); q+=2*ids+8+c*ids
            elif st==0x23:
                c=struct.unpack('>I',data[q+ids+4:q+ids+8])[0]; t=data[q+ids+8]
                k=('prim',t); count[k]+=1; size[k]+=c*sizes[t]+16; q+=ids+9+c*sizes[t]
cname=lambda k: names.get(cls.get(k),'?')
if mode=='hist':
    def kname(k):
        if isinstance(k,tuple):
            return PRIMS[k[1]] if k[0]=='prim' else cname(k[1])+'[]'
        return cname(k)
    for k,b in size.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 40):
        print(f'{b/1e6:8.2f} MB {count[k]:9d}  {kname(k)}')
    sys.exit(0)
target=sys.argv[3]
tclasses={k for k in cdump if target in cname(k)}
print('target classes',[cname(k) for k in tclasses])
tobjs={oid for oid,k,_ in insts if k in tclasses}
print('target instances',len(tobjs))
layout={}
def lay(k):
    if k in layout: return layout[k]
    out=[]; c=k
    while c and c in cdump:
        sup,fields,_=cdump[c]
        out+= [(names.get(f,'?'),t,cname(c)) for f,t in fields]; c=sup
    layout[k]=out; return out
refs=collections.Counter(); ex={}
for oid,k,off in insts:
    o=off
    for fname,t,owner in lay(k):
        if t==2:
            v=rid(o)
            if v in tobjs and k not in tclasses:
                key=(cname(k),fname); refs[key]+=1; ex.setdefault(key,oid)
        o+=sizes[t]
for oid,ek,off,c in objarrs:
    for i in range(c):
        if rid(off+i*ids) in tobjs:
            key=('array of '+cname(ek),''); refs[key]+=1; ex.setdefault(key,oid)
for k,v in cdump.items():
    for nm,val in v[2]:
        if val in tobjs: refs[('static '+cname(k),names.get(nm))]+=1
for r,l in roots.items():
    c=sum(1 for x in l if x in tobjs)
    if c: refs[('ROOT '+r,'')]+=c
for k,v in refs.most_common(30): print(v,k, hex(ex.get(k,0)))
