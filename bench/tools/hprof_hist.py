# A class histogram of a heap dump (HPROF), without a JDK tool: shallow bytes and instances per class, largest first.
# python3 bench/tools/hprof_hist.py DUMP.hprof [ROWS]
import sys, struct, collections
f=open(sys.argv[1],'rb'); data=f.read()
p=data.index(b'\0')+1
ids=struct.unpack('>I',data[p:p+4])[0]; p+=12
idfmt='>Q' if ids==8 else '>I'
def rid(o): return struct.unpack(idfmt,data[o:o+ids])[0]
sizes={2:ids,4:1,5:2,6:4,7:8,8:1,9:2,10:4,11:8}
names={}; cls={}
cnt=collections.Counter(); byt=collections.Counter()
pnames={4:'boolean[]',5:'char[]',6:'float[]',7:'double[]',8:'byte[]',9:'short[]',10:'int[]',11:'long[]'}
n=len(data)
while p<n:
    tag=data[p]; ln=struct.unpack('>I',data[p+5:p+9])[0]; body=p+9; end=body+ln; p=end
    if tag==1: names[rid(body)]=data[body+ids:end].decode('utf8','replace')
    elif tag==2: cls[rid(body+4)]=rid(body+8+ids)
    elif tag in (0x0c,0x1c):
        q=body
        while q<end:
            st=data[q]; q+=1
            if st==0xff: q+=ids
            elif st==1: q+=2*ids
            elif st in (2,3): q+=ids+8
            elif st==4: q+=ids+4
            elif st==5: q+=ids
            elif st==6: q+=ids+4
            elif st==7: q+=ids
            elif st==8: q+=ids+8
            elif st==0x20:
                q+=ids+4+6*ids+4
                c=struct.unpack('>H',data[q:q+2])[0]; q+=2
                for _ in range(c):
                    t=data[q+2]; q+=3+sizes[t]
                c=struct.unpack('>H',data[q:q+2])[0]; q+=2
                for _ in range(c):
                    t=data[q+ids]; q+=ids+1+sizes[t]
                c=struct.unpack('>H',data[q:q+2])[0]; q+=2
                q+=c*(ids+1)
            elif st==0x21:
                k=rid(q+ids+4); nb=struct.unpack('>I',data[q+2*ids+4:q+2*ids+8])[0]
                cnt[k]+=1; byt[k]+=nb+16; q+=2*ids+8+nb
            elif st==0x22:
                c=struct.unpack('>I',data[q+ids+4:q+ids+8])[0]; k=('objarr',rid(q+ids+8))
                cnt[k]+=1; byt[k]+=c*ids+16; q+=2*ids+8+c*ids
            elif st==0x23:
                c=struct.unpack('>I',data[q+ids+4:q+ids+8])[0]; t=data[q+ids+8]
                k=('prim',t); cnt[k]+=1; byt[k]+=c*sizes[t]+16; q+=ids+9+c*sizes[t]
            else: raise Exception('subtag %x at %d'%(st,q))
def nm(k):
    if isinstance(k,tuple):
        if k[0]=='prim': return pnames[k[1]]
        return names.get(cls.get(k[1]),'?')+'[]'
    return names.get(cls.get(k),'?')
for k,b in byt.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 40):
    print(f'{b/1e6:8.2f} MB {cnt[k]:9d}  {nm(k)}')
