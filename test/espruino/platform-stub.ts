// `.boot0` for the Linux interpreter: what an ESP32 has and the Linux build lacks, nothing of our firmware. Espruino
// runs .boot0 before .bootcde (our boot loader), like a board at power-on.
//  - a Wifi module (Modules.addCached) that "joins" any network at once with a fixed MAC, and starts access points;
//  - Serial2.setup gets the pty path of the simulated meter (the firmware passes ESP32 rx/tx pins);
//  - http servers asking for port 80 listen on the test's free port instead (port 80 needs root on Linux);
//  - a memory sampler: the minimum of process.memory().free every 50 ms (live variables: that call collects garbage
//    first, as the interpreter itself does before it would run out: jsvar.c jsvNewWithFlags) and every error flag
//    raised (LOW_MEMORY there means the free list ran empty, garbage or not), printed
//    as a "$M {json}" console line at once for every new low (a power cut or a kill may come any moment after it)
//    and every second (output only: typed input is not reliable, interpreter.ts); an
//    out-of-memory interrupts and removes timers, so the harness re-arms it (M.g) when it has stopped;
//  - a query port for the harness: one connection per question, a line of JS in, its JSON value out;
//  - a power cut when the harness asks for one: exit (E.reboot() ends the Linux process at once) right before or
//    after a chosen Storage write. The rule is M.x: read from ./cut.json (the host file system, not Storage) at
//    boot, or set over the query port while the firmware runs (an update's writes come without a reboot first);
//    cut.json keeps the count over reboots. At the cut the stub removes cut.json and writes ./cut.done (the
//    write's file name and offset), so the harness can tell the cut's exit from an ordinary reboot. Storage.write is wrapped on every boot (its cost is
//    part of the stub's), so a rule set while running takes effect at the next write.
// Its own memory cost is measured at the end of .boot0 (usage after it minus usage before it, both after a GC) so
// the harness can subtract it. Global names are short: names over 4 characters cost an extra variable.

export interface StubOptions {
  /** pty path the firmware's Serial2 opens. */
  serialPath: string;
  /** Port the firmware's web server (port 80) really listens on. */
  httpPort: number;
  /** Station MAC reported by Wifi.getIP(). */
  mac: string;
  /** Networks Wifi.connect accepts (any when empty). */
  ssids?: string[];
  /** Port of the harness's query server. */
  queryPort: number;
}

/** Global the stub keeps its state in: {m: min free, e: error flags seen, c: stub cost, u0: usage before it; t: last
 *  sample; a(): (re)starts the sampler; g(): reads {m, e, c}, also E.getErrorFlags(), re-arming a stopped sampler;
 *  x: the power-cut rule (CutRule) or undefined; z(name, offset): cuts the power now, at that write}. */
export const STATE = '$M';

export function platformStub(o: StubOptions): string {
  const ssids = JSON.stringify(o.ssids ?? []);
  // Plain ES5: this runs on Espruino as it is, not through our build.
  return `
global.${STATE}={u0:process.memory().usage,m:1e9,e:"",t:0};
(function(){
var M=${STATE};
Modules.addCached("Wifi",function(){
var W=exports,st="off",ap=null,ok=${ssids};
function ip(){return st==="connected"?"127.0.0.1":"0.0.0.0";}
W.connect=function(s,o,cb){setTimeout(function(){
if(ok.length&&ok.indexOf(s)<0){st="off";if(cb)cb("no network "+s);return;}
st="connected";W.emit("connected",{ip:ip(),netmask:"255.255.255.0",gw:"127.0.0.1"});if(cb)cb(null);},20);};
W.disconnect=function(cb){var was=st;st="off";if(was==="connected")W.emit("disconnected",{reason:8});if(cb)setTimeout(cb,1);};
W.startAP=function(s,o,cb){ap=s;if(cb)setTimeout(function(){cb(null);},1);};
W.stopAP=function(cb){ap=null;if(cb)setTimeout(cb,1);};
W.scan=function(cb){setTimeout(function(){cb([{ssid:"WiFi",rssi:-52,authMode:"wpa2",channel:6},{ssid:"Neighbour",rssi:-80,authMode:"wpa2",channel:1}]);},20);};
W.getIP=function(cb){var r={ip:ip(),netmask:"255.255.255.0",gw:"127.0.0.1",mac:${JSON.stringify(o.mac)}};if(cb)cb(null,r);return r;};
W.getAPIP=function(cb){var r={ip:ap?"192.168.4.1":"0.0.0.0",mac:${JSON.stringify(o.mac)}};if(cb)cb(null,r);return r;};
W.getStatus=function(){return {station:st,ap:ap?"enabled":"disabled",rssi:st==="connected"?-61:0,mode:ap?"APSTA":"STA"};};
W.setHostname=function(){};
W.getHostname=function(){return "mep";};
});
require("Wifi");
var su=Serial2.setup;
Serial2.setup=function(b,opt){opt=opt||{};opt.path=${JSON.stringify(o.serialPath)};return su.call(Serial2,b,opt);};
var H=require("http"),cs=H.createServer;
H.createServer=function(f){var s=cs.call(H,f),l=s.listen;s.listen=function(p){return l.call(s,p===80?${o.httpPort}:p);};return s;};
var n=0;
function rp(){print("$M "+JSON.stringify({m:M.m,e:M.e,c:M.c}));}
function tick(){var f=process.memory().free;M.t=getTime();if(f<M.m){M.m=f;rp();}else if(++n%20===0)rp();}
M.a=function(){if(M.i!==undefined)try{clearInterval(M.i);}catch(x){}M.i=setInterval(tick,50);};
M.g=function(){var g=E.getErrorFlags();for(var i=0;i<g.length;i++)if(M.e.indexOf(g[i])<0)M.e+=(M.e?",":"")+g[i];if(getTime()-M.t>1)M.a();return {m:M.m,e:M.e,c:M.c};};
M.a();
require("net").createServer(function(k){var b="";k.on("data",function(d){b+=d;var i=b.indexOf("\\n");if(i<0)return;var r;
try{r=JSON.stringify({v:eval(b.substr(0,i))});}catch(x){r=JSON.stringify({x:String(x)});}k.end(r+"\\n");});}).listen(${o.queryPort});
E.on("errorFlag",function(f){for(var i=0;i<f.length;i++)if(M.e.indexOf(f[i])<0)M.e+=(M.e?",":"")+f[i];});
var F=require("fs"),S=require("Storage"),w=S.write;
try{M.x=JSON.parse(F.readFileSync("cut.json"));}catch(x){}
S.write=function(n,d,off){var c=M.x;if(!c)return w.apply(S,arguments);
var m=n.indexOf(c.n)===0&&(off||0)>=c.o,hit=m&&--c.k<=0;
if(m&&!hit)F.writeFileSync("cut.json",JSON.stringify(c));
if(hit&&!c.a)M.z(n,off);
var r=w.apply(S,arguments);
if(hit)M.z(n,off);
return r;};
M.z=function(n,o){rp();F.unlink("cut.json");F.writeFileSync("cut.done",JSON.stringify({n:n,o:o||0}));E.reboot();};
})();
${STATE}.c=process.memory().usage-${STATE}.u0;
`;
}

/** A power cut at a Storage write: the write to a file whose name starts with `n`, at offset ≥ `o`, the `k`-th such
 *  one (1 = the first, counted over reboots: the count is kept in cut.json), before it lands (`a` false) or just
 *  after (`a` true). */
export interface CutRule {
  n: string;
  o: number;
  k: number;
  a: boolean;
}

/** Where the cut came: the Storage write's file name and offset (cut.done), and how the process ended. */
export interface CutSeen {
  n: string;
  o: number;
  exit: string;
}

/** The stub's state as the harness reads it. */
export interface StubState {
  /** Minimum free variables seen by the sampler. */
  m: number;
  /** Error flags seen ("LOW_MEMORY,MEMORY"), '' for none. */
  e: string;
  /** Variables the stub itself keeps. */
  c: number;
}
