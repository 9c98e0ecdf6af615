// Command vcsim is the lab's own front-end over govmomi's simulator package
// (Debian's golang-github-vmware-govmomi-dev ships the library but not the
// upstream command). Flags follow upstream vcsim where they overlap.
//
// Additions of ours:
//   - SIGHUP re-reads -tlscert/-tlskey; new TLS handshakes get the new
//     certificate without a restart (tls.Config.GetConfigForClient, because
//     clients that dial an IP send no SNI and Go would otherwise always pick
//     Certificates[0]).
//   - POST /lab/perf   inject perf samples: {"entity":"vm-42"|"VirtualMachine",
//     "counter":"mem.vmmemctl.average","instance":"","values":[1024,2048]}.
//     QueryPerf then answers those exact values (cycled over the samples, newest
//     last) for every matching entity/counter, and QueryAvailablePerfMetric lists
//     the counter for it. "values":[] removes the injection.
//   - GET  /lab/perf   the injected table as JSON.
//   - DELETE /lab/perf removes every injection.
//   - GET  /lab/vms    every VirtualMachine as JSON (moref, name, powerState,
//     vmx path, guest id, hardware version, memory, cpus, host).
//   - GET  /lab/cert   SHA-256 / SHA-1 thumbprints of the certificate now served.
//   - POST /lab/quickstats  set a VM's summary.quickStats memory figures (MB):
//     {"vm":"vm-42","balloonedMemory":256,"swappedMemory":80} (a field left out
//     keeps its value; accepts one object or an array).
//   - GET  /lab/hosts  every HostSystem as JSON (moref, name, memoryMB, and the
//     product its summary.config.product reports).
//   - -stdinexit       exit when stdin reaches EOF (a parent that dies cannot
//     leak us).
//   - -generation G    play vCenter / ESXi release G (4.1, 5.5, 6.7, 7.0, 8.0):
//     ServiceContent.about and every host's summary.config.product (and
//     config.product) read as that release reports them. Sources of every
//     build and string: test/lab/README.md. Without it: govmomi's 6.5 captures.
package main

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	// Register the REST (/rest), lookup and pbm endpoints, as upstream vcsim does.
	_ "github.com/vmware/govmomi/lookup/simulator"
	_ "github.com/vmware/govmomi/pbm/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator"
)

// ---- certificate reloading ----

type certStore struct {
	certFile, keyFile string
	base              *tls.Config
	current           atomic.Value // *tls.Config
}

func (c *certStore) load() error {
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return err
	}
	cfg := c.base.Clone()
	cfg.Certificates = []tls.Certificate{pair}
	cfg.GetConfigForClient = nil
	c.current.Store(cfg)
	return nil
}

func (c *certStore) config() *tls.Config { return c.current.Load().(*tls.Config) }

func thumbprints(der []byte) (string, string) {
	hex := func(b []byte) string {
		parts := make([]string, len(b))
		for i, x := range b {
			parts[i] = fmt.Sprintf("%02X", x)
		}
		return strings.Join(parts, ":")
	}
	s256 := sha256.Sum256(der)
	s1 := sha1.Sum(der)
	return hex(s256[:]), hex(s1[:])
}

// ---- perf injection ----

type injection struct {
	Entity   string  `json:"entity"`
	Counter  string  `json:"counter"`
	Instance string  `json:"instance"`
	Values   []int64 `json:"values"`
	key      int32
}

type perfStore struct {
	mu   sync.Mutex
	byID map[string]map[int32]*injection // entity (moref value or type) -> counter key
}

func (s *perfStore) lookup(ref types.ManagedObjectReference, counter int32) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range []string{ref.Value, ref.Type} {
		if m, ok := s.byID[k]; ok {
			if inj, ok := m[counter]; ok {
				return inj.Values
			}
		}
	}
	return nil
}

func (s *perfStore) countersFor(ref types.ManagedObjectReference) map[int32]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int32]string{}
	for _, k := range []string{ref.Type, ref.Value} {
		for id, inj := range s.byID[k] {
			out[id] = inj.Instance
		}
	}
	return out
}

// labPerf wraps the simulator's PerformanceManager. The simulator's property
// collector digs out the embedded mo type through field 0, so the wrapped
// manager is embedded by value, first.
type labPerf struct {
	simulator.PerformanceManager
	store *perfStore
}

func (p *labPerf) QueryPerf(ctx *simulator.Context, req *types.QueryPerf) soap.HasFault {
	res := p.PerformanceManager.QueryPerf(ctx, req)
	body, ok := res.(*methods.QueryPerfBody)
	if !ok || body.Res == nil {
		return res
	}
	for _, base := range body.Res.Returnval {
		em, ok := base.(*types.PerfEntityMetric)
		if !ok {
			continue
		}
		n := len(em.SampleInfo)
		// The simulator lists samples newest first; make injected series read
		// oldest-to-newest in time order like the values given.
		for _, sb := range em.Value {
			series, ok := sb.(*types.PerfMetricIntSeries)
			if !ok {
				continue
			}
			vals := p.store.lookup(em.Entity, series.Id.CounterId)
			if len(vals) == 0 {
				continue
			}
			out := make([]int64, n)
			for i := 0; i < n; i++ {
				// index 0 = newest sample
				out[i] = vals[(len(vals)-1-(i%len(vals))+len(vals))%len(vals)]
			}
			series.Value = out
		}
	}
	return body
}

func (p *labPerf) QueryAvailablePerfMetric(ctx *simulator.Context, req *types.QueryAvailablePerfMetric) soap.HasFault {
	res := p.PerformanceManager.QueryAvailablePerfMetric(ctx, req)
	body, ok := res.(*methods.QueryAvailablePerfMetricBody)
	if !ok || body.Res == nil {
		return res
	}
	have := map[int32]bool{}
	for _, id := range body.Res.Returnval {
		have[id.CounterId] = true
	}
	for id, inst := range p.store.countersFor(req.Entity) {
		if !have[id] {
			body.Res.Returnval = append(body.Res.Returnval, types.PerfMetricId{CounterId: id, Instance: inst})
		}
	}
	return body
}

func counterKeys(pm *simulator.PerformanceManager) map[string]int32 {
	out := map[string]int32{}
	for _, c := range pm.PerfCounter {
		name := fmt.Sprintf("%s.%s.%s", c.GroupInfo.GetElementDescription().Key, c.NameInfo.GetElementDescription().Key, c.RollupType)
		if _, dup := out[name]; !dup {
			out[name] = c.Key
		}
	}
	return out
}

// ---- generations ----

// generation is what a vCenter (vc) and its ESXi hosts (esx) of one release
// report in AboutInfo. Builds are each release's GA build; test/lab/README.md
// names the source of every value and says which ones no capture confirms.
type generation struct {
	vc, esx types.AboutInfo
}

func aboutVC(version, build, localeBuild, osType, apiVersion, licenseVersion string) types.AboutInfo {
	return types.AboutInfo{
		Name:                  "VMware vCenter Server",
		FullName:              fmt.Sprintf("VMware vCenter Server %s build-%s", version, build),
		Vendor:                "VMware, Inc.",
		Version:               version,
		Build:                 build,
		LocaleVersion:         "INTL",
		LocaleBuild:           localeBuild,
		OsType:                osType,
		ProductLineId:         "vpx",
		ApiType:               "VirtualCenter",
		ApiVersion:            apiVersion,
		LicenseProductName:    "VMware VirtualCenter Server",
		LicenseProductVersion: licenseVersion,
	}
}

func aboutESX(version, build, apiVersion, licenseVersion string) types.AboutInfo {
	return types.AboutInfo{
		Name:                  "VMware ESXi",
		FullName:              fmt.Sprintf("VMware ESXi %s build-%s", version, build),
		Vendor:                "VMware, Inc.",
		Version:               version,
		Build:                 build,
		LocaleVersion:         "INTL",
		LocaleBuild:           "000",
		OsType:                "vmnix-x86",
		ProductLineId:         "embeddedEsx",
		ApiType:               "HostAgent",
		ApiVersion:            apiVersion,
		LicenseProductName:    "VMware ESX Server",
		LicenseProductVersion: licenseVersion,
	}
}

var generations = map[string]generation{
	"4.1": {aboutVC("4.1.0", "345043", "0", "win32-x86", "4.1", "4.0"), aboutESX("4.1.0", "260247", "4.1", "4.0")},
	"5.5": {aboutVC("5.5.0", "1312298", "000", "win32-x64", "5.5", "5.0"), aboutESX("5.5.0", "1331820", "5.5", "5.0")},
	"6.7": {aboutVC("6.7.0", "8170161", "000", "linux-x64", "6.7", "6.0"), aboutESX("6.7.0", "8169922", "6.7", "6.0")},
	"7.0": {aboutVC("7.0.0", "15952599", "000", "linux-x64", "7.0.0.0", "7.0"), aboutESX("7.0.0", "15843807", "7.0.0.0", "7.0")},
	"8.0": {aboutVC("8.0.0", "20519528", "000", "linux-x64", "8.0.0.0", "8.0"), aboutESX("8.0.0", "20513097", "8.0.0.0", "8.0")},
}

func generationNames() string {
	names := make([]string, 0, len(generations))
	for k := range generations {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// applyGeneration sets the service content's about and the host template's
// product before model.Create(), so every host made from it agrees.
func applyGeneration(model *simulator.Model, name string, esxMode bool) {
	if name == "" {
		return
	}
	g, ok := generations[name]
	if !ok {
		log.Fatalf("unknown -generation %q (known: %s)", name, generationNames())
	}
	esx.HostConfigInfo.Product = g.esx
	if esxMode {
		model.ServiceContent.About = g.esx
		return
	}
	uuid := model.ServiceContent.About.InstanceUuid
	model.ServiceContent.About = g.vc
	model.ServiceContent.About.InstanceUuid = uuid
}

// ---- HTTP endpoints ----

type vmInfo struct {
	Moref      string `json:"moref"`
	Name       string `json:"name"`
	PowerState string `json:"powerState"`
	VmxPath    string `json:"vmxPath"`
	GuestID    string `json:"guestId"`
	Version    string `json:"version"`
	MemoryMB   int32  `json:"memoryMB"`
	NumCPU     int32  `json:"numCpu"`
	Host       string `json:"host"`
	HostName   string `json:"hostName"`
}

// readOneOrMany decodes a lab request body (at most 1 MiB) holding one JSON object or an array of them.
func readOneOrMany[T any](r *http.Request) ([]T, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(strings.TrimSpace(string(data)), "[") {
		var many []T
		err = json.Unmarshal(data, &many)
		return many, err
	}
	var one T
	err = json.Unmarshal(data, &one)
	return []T{one}, err
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func listVMs() []vmInfo {
	out := []vmInfo{}
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm, ok := e.(*simulator.VirtualMachine)
		if !ok {
			continue
		}
		simulator.Map.WithLock(vm, func() {
			info := vmInfo{Moref: vm.Self.Value, Name: vm.Name, PowerState: string(vm.Runtime.PowerState)}
			if vm.Config != nil {
				info.VmxPath = vm.Config.Files.VmPathName
				info.GuestID = vm.Config.GuestId
				info.Version = vm.Config.Version
				info.MemoryMB = vm.Config.Hardware.MemoryMB
				info.NumCPU = vm.Config.Hardware.NumCPU
			}
			if vm.Runtime.Host != nil {
				info.Host = vm.Runtime.Host.Value
				if h, ok := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem); ok {
					info.HostName = h.Name
				}
			}
			out = append(out, info)
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

type hostInfo struct {
	Moref    string `json:"moref"`
	Name     string `json:"name"`
	MemoryMB int64  `json:"memoryMB"`
	Product  string `json:"product"`
}

func listHosts() []hostInfo {
	out := []hostInfo{}
	for _, e := range simulator.Map.All("HostSystem") {
		h, ok := e.(*simulator.HostSystem)
		if !ok {
			continue
		}
		simulator.Map.WithLock(h, func() {
			info := hostInfo{Moref: h.Self.Value, Name: h.Name}
			if h.Hardware != nil {
				info.MemoryMB = h.Hardware.MemorySize / (1024 * 1024)
			}
			if h.Summary.Config.Product != nil {
				info.Product = h.Summary.Config.Product.FullName
			}
			out = append(out, info)
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("vcsim: ")

	model := simulator.VPX()
	listen := flag.String("l", "127.0.0.1:8989", "listen address")
	flag.IntVar(&model.Datacenter, "dc", model.Datacenter, "number of datacenters")
	flag.IntVar(&model.Cluster, "cluster", model.Cluster, "number of clusters per datacenter")
	flag.IntVar(&model.ClusterHost, "host", model.ClusterHost, "number of hosts per cluster")
	flag.IntVar(&model.Host, "standalone-host", model.Host, "number of standalone hosts per datacenter")
	flag.IntVar(&model.Machine, "vm", model.Machine, "number of virtual machines per resource pool")
	flag.IntVar(&model.Folder, "folder", model.Folder, "number of datacenter folders")
	flag.IntVar(&model.Datastore, "ds", model.Datastore, "number of local datastores")
	flag.IntVar(&model.Pool, "pool", model.Pool, "number of child resource pools per cluster")
	flag.IntVar(&model.Portgroup, "pg", model.Portgroup, "number of distributed port groups per datacenter")
	autostart := flag.Bool("autostart", true, "power on the model's VMs")
	esxMode := flag.Bool("esx", false, "simulate a standalone ESX host instead of vCenter")
	username := flag.String("username", "", "login user name (default: any)")
	password := flag.String("password", "", "login password (default: any)")
	certFile := flag.String("tlscert", "", "path to a PEM certificate (re-read on SIGHUP)")
	keyFile := flag.String("tlskey", "", "path to a PEM private key (re-read on SIGHUP)")
	delay := flag.Int("delay", 0, "milliseconds to delay every SOAP call")
	stdinExit := flag.Bool("stdinexit", false, "exit when stdin is closed")
	incremental := flag.Bool("incremental-updates", false, "answer WaitForUpdatesEx incrementally, as vCenter does (live.go)")
	gen := flag.String("generation", "", "vCenter/ESXi release to play: "+generationNames()+" (default: govmomi's 6.5)")
	flag.Parse()

	if *esxMode {
		esx := simulator.ESX()
		esx.Datastore = model.Datastore
		esx.Machine = model.Machine
		model = esx
	}
	applyGeneration(model, *gen, *esxMode)
	model.Autostart = *autostart
	model.DelayConfig.Delay = *delay

	if (*certFile == "") != (*keyFile == "") {
		log.Fatal("-tlscert and -tlskey go together")
	}

	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	defer model.Remove()

	// Replace the PerformanceManager with our wrapper (same moref).
	store := &perfStore{byID: map[string]map[int32]*injection{}}
	pmRef := *model.ServiceContent.PerfManager
	orig, ok := simulator.Map.Get(pmRef).(*simulator.PerformanceManager)
	if !ok {
		log.Fatalf("no PerformanceManager at %s", pmRef)
	}
	keys := counterKeys(orig)
	simulator.Map.Put(&labPerf{PerformanceManager: *orig, store: store})
	if *incremental {
		installIncrementalUpdates(model.ServiceContent.PropertyCollector)
	} else {
		installPaging(model.ServiceContent.PropertyCollector)
	}

	svc := model.Service
	svc.RegisterEndpoints = true
	if *username != "" || *password != "" {
		svc.Listen = &url.URL{User: url.UserPassword(*username, *password)}
	} else {
		svc.Listen = &url.URL{}
	}
	svc.Listen.Host = *listen

	var certs *certStore
	base := &tls.Config{NextProtos: []string{"http/1.1"}, ClientAuth: tls.RequestClientCert}
	svc.TLS = base.Clone()
	if *certFile != "" {
		certs = &certStore{certFile: *certFile, keyFile: *keyFile, base: base}
		if err := certs.load(); err != nil {
			log.Fatalf("loading -tlscert/-tlskey: %v", err)
		}
		svc.TLS.Certificates = certs.config().Certificates
		svc.TLS.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return certs.config(), nil
		}
	}

	installCertificates(svc, certs, *esxMode, *gen) // certificates.go: HostCertificateManager, vCenter TLS REST, /lab/certs

	registerPagingEndpoint(svc)
	svc.HandleFunc("/lab/vms", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "GET only"})
			return
		}
		writeJSON(w, http.StatusOK, listVMs())
	})
	svc.HandleFunc("/lab/hosts", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "GET only"})
			return
		}
		writeJSON(w, http.StatusOK, listHosts())
	})
	svc.HandleFunc("/lab/perf", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			store.mu.Lock()
			list := []*injection{}
			for _, m := range store.byID {
				for _, inj := range m {
					list = append(list, inj)
				}
			}
			store.mu.Unlock()
			writeJSON(w, http.StatusOK, list)
		case http.MethodDelete:
			store.mu.Lock()
			store.byID = map[string]map[int32]*injection{}
			store.mu.Unlock()
			writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
		case http.MethodPost:
			var reqs []injection
			data, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
			if err == nil {
				trimmed := strings.TrimSpace(string(data))
				if strings.HasPrefix(trimmed, "[") {
					err = json.Unmarshal(data, &reqs)
				} else {
					var one injection
					err = json.Unmarshal(data, &one)
					reqs = []injection{one}
				}
			}
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			for i := range reqs {
				inj := reqs[i]
				key, ok := keys[inj.Counter]
				if !ok {
					writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unknown counter " + inj.Counter})
					return
				}
				if inj.Entity == "" {
					writeJSON(w, http.StatusBadRequest, map[string]string{"error": "entity (moref value or type) is required"})
					return
				}
				inj.key = key
				store.mu.Lock()
				if len(inj.Values) == 0 {
					delete(store.byID[inj.Entity], key)
				} else {
					if store.byID[inj.Entity] == nil {
						store.byID[inj.Entity] = map[int32]*injection{}
					}
					store.byID[inj.Entity][key] = &inj
				}
				store.mu.Unlock()
			}
			writeJSON(w, http.StatusOK, map[string]int{"injected": len(reqs)})
		default:
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "GET, POST or DELETE"})
		}
	})

	registerHostEdits(svc) // labhosts.go: POST /lab/host (rename, per-host generation)

	svc.HandleFunc("/lab/quickstats", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "POST only"})
			return
		}
		type quick struct {
			VM              string `json:"vm"`
			BalloonedMemory *int32 `json:"balloonedMemory"`
			SwappedMemory   *int32 `json:"swappedMemory"`
		}
		reqs, err := readOneOrMany[quick](r)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		for _, q := range reqs {
			ref := types.ManagedObjectReference{Type: "VirtualMachine", Value: q.VM}
			vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]string{"error": "no VirtualMachine " + q.VM})
				return
			}
			simulator.Map.WithLock(vm, func() {
				if q.BalloonedMemory != nil {
					vm.Summary.QuickStats.BalloonedMemory = *q.BalloonedMemory
				}
				if q.SwappedMemory != nil {
					vm.Summary.QuickStats.SwappedMemory = *q.SwappedMemory
				}
			})
		}
		writeJSON(w, http.StatusOK, map[string]int{"updated": len(reqs)})
	})

	var server *simulator.Server
	served := func() *tls.Certificate {
		if certs != nil {
			return &certs.config().Certificates[0]
		}
		return &server.TLS.Certificates[0]
	}
	svc.HandleFunc("/lab/cert", func(w http.ResponseWriter, r *http.Request) {
		s256, s1 := thumbprints(served().Certificate[0])
		writeJSON(w, http.StatusOK, map[string]string{"sha256": s256, "sha1": s1})
	})

	labBackupEndpoints(svc) // backup.go: /lab/vmstate
	server = svc.NewServer()
	labBackupSDK(server) // backup.go: ConsolidateVMDisks_Task
	labSnapshotSDK(server) // snapshots.go: RemoveSnapshot_Task of the current root snapshot

	// Login by certificate compares against the certificate now served.
	simulator.Map.SessionManager().TLSCert = func() string {
		return base64.StdEncoding.EncodeToString(served().Certificate[0])
	}

	u := *server.URL
	fmt.Printf("export GOVC_URL=%s GOVC_SIM_PID=%d\n", u.String(), os.Getpid())
	_ = os.Stdout.Sync()

	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	if *stdinExit {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(done)
		}()
	}

	for {
		select {
		case s := <-sig:
			if s == syscall.SIGHUP {
				if certs == nil {
					log.Print("SIGHUP: no -tlscert/-tlskey, nothing to reload")
					continue
				}
				if err := certs.load(); err != nil {
					log.Printf("SIGHUP: keeping the old certificate: %v", err)
					continue
				}
				s256, _ := thumbprints(certs.config().Certificates[0].Certificate[0])
				log.Printf("SIGHUP: certificate reloaded, SHA-256 %s", s256)
				continue
			}
			shutdown(server, model)
			return
		case <-done:
			shutdown(server, model)
			return
		case <-time.After(time.Hour):
		}
	}
}

func shutdown(server *simulator.Server, model *simulator.Model) {
	go func() {
		// Close waits for in-flight requests; don't hang forever on a stuck client.
		time.Sleep(3 * time.Second)
		model.Remove()
		os.Exit(0)
	}()
	server.CloseClientConnections()
	server.Close()
	model.Remove()
}
