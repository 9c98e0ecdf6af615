// Certificates in the lab: HostCertificateManager on every host (vSphere API
// 6.0+) and the vCenter appliance's TLS REST API (7.0+), each serving what it
// installs. Sources: test/lab/README.md ("Certificate routes").
//
//   - HostCertificateManager (vim.host.CertificateManager, "Since vSphere API
//     6.0"): HostConfigManager.certificateManager on each host whose
//     generation has it (none on -generation 4.1 / 5.5). certificateInfo,
//     GenerateCertificateSigningRequest(useIpAddressAsCommonName) — the key is
//     made and kept "on the host", only the CSR leaves —,
//     InstallServerCertificate(cert) — accepted when the certificate's public
//     key is one the host holds: the key of its last CSR, or the key of the
//     certificate it serves or served just before (so the previous certificate
//     can be reinstalled; a lab assumption the reference neither states nor
//     excludes) —, ReplaceCACertificatesAndCRLs, ListCACertificates,
//     ListCACertificateRevocationLists. In -esx mode the host's installed
//     certificate is what the endpoint serves from the next handshake on (no
//     SIGHUP); a vCenter's hosts keep theirs (they have no endpoint of their own).
//   - On a 7.0 / 8.0 vCenter: POST/DELETE /api/session (Basic auth, then the
//     vmware-api-session-id header), GET/PUT
//     /api/vcenter/certificate-management/vcenter/tls and GET/POST
//     /api/vcenter/certificate-management/vcenter/trusted-root-chains[/{chain}].
//     PUT takes {cert, key?, root_cert?}: without key the store's key (of the
//     last tls-csr, else the current one) must match; the certificate must chain
//     to a trusted root (root_cert adds one). The endpoint then serves it.
//   - POST /lab/certfailure {"target":"host"|"vcenter","mode":"after-load","times":1}:
//     the next install (InstallServerCertificate / PUT tls) puts the new
//     certificate in service and then fails (HostConfigFault / 500), as the ESXi
//     SSH simulator's restartFailure does. GET /lab/certs: what was served, in
//     order (SHA-256, the initial certificate first), each host's CA list size.
package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// certLab is the state every certificate endpoint shares.
type certLab struct {
	mu       sync.Mutex
	certs    *certStore // nil: vcsim's built-in certificate, not swappable
	served   []string   // SHA-256 of each certificate put in service, initial first
	failure  map[string]*certFailure
	esxMode  bool
	managers []*labCertManager
	// vCenter REST
	sessions  map[string]bool
	roots     map[string][]string // chain id -> PEMs
	rootOrder []string
	csrKey    crypto.Signer // key of the last tls-csr (kept in the "store")
	keys      []crypto.Signer
}

type certFailure struct {
	Target string `json:"target"`
	Mode   string `json:"mode"`
	Times  int    `json:"times"`
}

func (c *certStore) use(pair tls.Certificate) {
	cfg := c.base.Clone()
	cfg.Certificates = []tls.Certificate{pair}
	cfg.GetConfigForClient = nil
	c.current.Store(cfg)
}

func sha256Of(der []byte) string {
	s, _ := thumbprints(der)
	return s
}

// takeFailure consumes one injected failure for target, if any.
func (l *certLab) takeFailure(target string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.failure[target]
	if f == nil {
		return false
	}
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(l.failure, target)
		}
	}
	return true
}

// serve puts pair in service on the endpoint and records it.
func (l *certLab) serve(pair tls.Certificate) error {
	if l.certs == nil {
		return errors.New("lab: vcsim runs with its built-in certificate; start it with -tlscert/-tlskey to install certificates")
	}
	l.certs.use(pair)
	l.mu.Lock()
	l.served = append(l.served, sha256Of(pair.Certificate[0]))
	l.mu.Unlock()
	return nil
}

func (l *certLab) current() *tls.Certificate {
	if l.certs == nil {
		return nil
	}
	return &l.certs.config().Certificates[0]
}

// ---- PEM helpers ----

func parseCertsPEM(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificate")
	}
	return out, nil
}

func parseKeyPEM(text string) (crypto.Signer, error) {
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		return nil, errors.New("no PEM private key")
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	return nil, errors.New("unreadable private key")
}

func samePublicKey(a, b crypto.PublicKey) bool {
	type eq interface{ Equal(crypto.PublicKey) bool }
	if x, ok := a.(eq); ok {
		return x.Equal(b)
	}
	return reflect.DeepEqual(a, b)
}

// pairFor builds a serving pair from the certificates and the first key that matches the leaf.
func pairFor(chain []*x509.Certificate, keys []crypto.Signer) (tls.Certificate, crypto.Signer, bool) {
	for _, k := range keys {
		if k != nil && samePublicKey(k.Public(), chain[0].PublicKey) {
			pair := tls.Certificate{PrivateKey: k, Leaf: chain[0]}
			for _, c := range chain {
				pair.Certificate = append(pair.Certificate, c.Raw)
			}
			return pair, k, true
		}
	}
	return tls.Certificate{}, nil, false
}

func certPEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func newCSR(cn string, ip string, useIP bool) (string, crypto.Signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", nil, err
	}
	tpl := &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn, Organization: []string{"VMware"}, Country: []string{"US"}}}
	if useIP {
		tpl.Subject.CommonName = ip
		tpl.IPAddresses = []net.IP{net.ParseIP(ip)}
	} else {
		tpl.DNSNames = []string{cn}
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tpl, key)
	if err != nil {
		return "", nil, err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})), key, nil
}

func selfSigned(c *x509.Certificate) bool {
	return c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// ---- HostCertificateManager ----

type labCertManager struct {
	mo.HostCertificateManager
	lab     *certLab
	host    *simulator.HostSystem
	serving bool
	pair    *tls.Certificate // the host's certificate when it does not serve the endpoint
	keys    []crypto.Signer  // keys the host holds: [last CSR, current, previous]
	caCerts []string
	caCrls  []string
}

func (m *labCertManager) leaf() *x509.Certificate {
	var p *tls.Certificate
	if m.serving {
		p = m.lab.current()
	} else {
		p = m.pair
	}
	if p == nil || len(p.Certificate) == 0 {
		return nil
	}
	c, _ := x509.ParseCertificate(p.Certificate[0])
	return c
}

func certStatus(notAfter time.Time) string {
	left := time.Until(notAfter)
	switch {
	case left <= 0:
		return string(types.HostCertificateManagerCertificateInfoCertificateStatusExpired)
	case left < 7*24*time.Hour:
		return string(types.HostCertificateManagerCertificateInfoCertificateStatusExpirationImminent)
	case left < 30*24*time.Hour:
		return string(types.HostCertificateManagerCertificateInfoCertificateStatusExpiringShortly)
	case left < 90*24*time.Hour:
		return string(types.HostCertificateManagerCertificateInfoCertificateStatusExpiring)
	}
	return string(types.HostCertificateManagerCertificateInfoCertificateStatusGood)
}

func (m *labCertManager) refreshInfo() {
	c := m.leaf()
	if c == nil {
		m.CertificateInfo = types.HostCertificateManagerCertificateInfo{Status: string(types.HostCertificateManagerCertificateInfoCertificateStatusUnknown)}
		return
	}
	nb, na := c.NotBefore, c.NotAfter
	m.CertificateInfo = types.HostCertificateManagerCertificateInfo{
		Subject: c.Subject.String(), Issuer: c.Issuer.String(), NotBefore: &nb, NotAfter: &na, Status: certStatus(na),
	}
}

func hostConfigFault(msg string) *soap.Fault {
	return simulator.Fault(msg, &types.HostConfigFault{})
}

func (m *labCertManager) hostNameAndIP() (string, string) {
	name, ip := m.host.Summary.Config.Name, "127.0.0.1"
	if m.host.Config != nil && m.host.Config.Network != nil && len(m.host.Config.Network.Vnic) > 0 && m.host.Config.Network.Vnic[0].Spec.Ip != nil && m.host.Config.Network.Vnic[0].Spec.Ip.IpAddress != "" {
		ip = m.host.Config.Network.Vnic[0].Spec.Ip.IpAddress
	}
	if net.ParseIP(name) != nil || name == "" {
		name = "localhost.localdomain"
	}
	return name, ip
}

func (m *labCertManager) GenerateCertificateSigningRequest(ctx *simulator.Context, req *types.GenerateCertificateSigningRequest) soap.HasFault {
	name, ip := m.hostNameAndIP()
	csr, key, err := newCSR(name, ip, req.UseIpAddressAsCommonName)
	if err != nil {
		return &methods.GenerateCertificateSigningRequestBody{Fault_: hostConfigFault(err.Error())}
	}
	m.keys = append([]crypto.Signer{key}, m.keys...)
	if len(m.keys) > 3 {
		m.keys = m.keys[:3]
	}
	return &methods.GenerateCertificateSigningRequestBody{Res: &types.GenerateCertificateSigningRequestResponse{Returnval: csr}}
}

func (m *labCertManager) InstallServerCertificate(ctx *simulator.Context, req *types.InstallServerCertificate) soap.HasFault {
	fail := func(msg string) soap.HasFault {
		return &methods.InstallServerCertificateBody{Fault_: hostConfigFault(msg)}
	}
	chain, err := parseCertsPEM(req.Cert)
	if err != nil {
		return fail("Unable to parse the certificate: " + err.Error())
	}
	pair, key, ok := pairFor(chain, m.keys)
	if !ok {
		return fail("The certificate does not match a private key of this host (generate a CSR on the host and have it signed).")
	}
	if m.serving {
		if err := m.lab.serve(pair); err != nil {
			return fail(err.Error())
		}
	} else {
		m.pair = &pair
	}
	// The key now in use goes first after any pending CSR key; the one before stays held.
	rest := []crypto.Signer{key}
	for _, k := range m.keys {
		if k != key && len(rest) < 3 {
			rest = append(rest, k)
		}
	}
	m.keys = rest
	m.refreshInfo()
	if m.lab.takeFailure("host") {
		return fail("lab: injected failure after the new certificate went live")
	}
	return &methods.InstallServerCertificateBody{Res: &types.InstallServerCertificateResponse{}}
}

func (m *labCertManager) ReplaceCACertificatesAndCRLs(ctx *simulator.Context, req *types.ReplaceCACertificatesAndCRLs) soap.HasFault {
	for _, c := range req.CaCert {
		if _, err := parseCertsPEM(c); err != nil {
			return &methods.ReplaceCACertificatesAndCRLsBody{Fault_: hostConfigFault("Unable to parse a CA certificate: " + err.Error())}
		}
	}
	m.caCerts = append([]string{}, req.CaCert...)
	m.caCrls = append([]string{}, req.CaCrl...)
	return &methods.ReplaceCACertificatesAndCRLsBody{Res: &types.ReplaceCACertificatesAndCRLsResponse{}}
}

func (m *labCertManager) ListCACertificates(ctx *simulator.Context, req *types.ListCACertificates) soap.HasFault {
	return &methods.ListCACertificatesBody{Res: &types.ListCACertificatesResponse{Returnval: append([]string{}, m.caCerts...)}}
}

func (m *labCertManager) ListCACertificateRevocationLists(ctx *simulator.Context, req *types.ListCACertificateRevocationLists) soap.HasFault {
	return &methods.ListCACertificateRevocationListsBody{Res: &types.ListCACertificateRevocationListsResponse{Returnval: append([]string{}, m.caCrls...)}}
}

// hostsHaveCertificateManager: vSphere API 6.0+ (no -generation = govmomi's 6.5).
func hostsHaveCertificateManager(gen string) bool {
	return gen != "4.1" && gen != "5.5"
}

func vcenterHasTlsAPI(gen string) bool {
	return gen == "7.0" || gen == "8.0"
}

// installCertificates is main.go's hook: certificate managers on the hosts, the
// REST endpoints on a 7.0+ vCenter, the /lab controls. Call before NewServer.
func installCertificates(svc *simulator.Service, certs *certStore, esxMode bool, gen string) {
	lab := &certLab{certs: certs, esxMode: esxMode, failure: map[string]*certFailure{}, sessions: map[string]bool{}, roots: map[string][]string{}}
	if cur := lab.current(); cur != nil {
		lab.served = []string{sha256Of(cur.Certificate[0])}
		if k, ok := cur.PrivateKey.(crypto.Signer); ok {
			lab.keys = []crypto.Signer{k}
		}
	}
	for _, e := range simulator.Map.All("HostSystem") {
		h, ok := e.(*simulator.HostSystem)
		if !ok {
			continue
		}
		if !hostsHaveCertificateManager(gen) {
			h.ConfigManager.CertificateManager = nil
			continue
		}
		m := &labCertManager{lab: lab, host: h, serving: esxMode}
		if esxMode {
			m.Self = types.ManagedObjectReference{Type: "HostCertificateManager", Value: "ha-certificate-manager"}
			if cur := lab.current(); cur != nil {
				if k, ok := cur.PrivateKey.(crypto.Signer); ok {
					m.keys = []crypto.Signer{k}
				}
			}
		} else {
			m.Self = types.ManagedObjectReference{Type: "HostCertificateManager", Value: "certificateManager-" + h.Self.Value}
			if cur := lab.current(); cur != nil {
				p := *cur
				m.pair = &p
				if k, ok := cur.PrivateKey.(crypto.Signer); ok {
					m.keys = []crypto.Signer{k}
				}
			}
		}
		m.refreshInfo()
		simulator.Map.Put(m)
		ref := m.Self
		h.ConfigManager.CertificateManager = &ref
		lab.managers = append(lab.managers, m)
	}
	svc.HandleFunc("/lab/certfailure", lab.handleFailure)
	svc.HandleFunc("/lab/certs", lab.handleState)
	if !esxMode && vcenterHasTlsAPI(gen) {
		lab.registerREST(svc)
	}
}

func (l *certLab) handleFailure(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		var f certFailure
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&f); err != nil || (f.Target != "host" && f.Target != "vcenter") || f.Mode != "after-load" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"target":"host"|"vcenter","mode":"after-load","times":N}`})
			return
		}
		l.mu.Lock()
		l.failure[f.Target] = &f
		l.mu.Unlock()
		writeJSON(w, http.StatusOK, f)
	case http.MethodDelete:
		l.mu.Lock()
		l.failure = map[string]*certFailure{}
		l.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "POST or DELETE"})
	}
}

func (l *certLab) handleState(w http.ResponseWriter, r *http.Request) {
	type hostState struct {
		Moref   string `json:"moref"`
		Manager string `json:"manager"`
		SHA256  string `json:"sha256"`
		CaCerts int    `json:"caCerts"`
	}
	l.mu.Lock()
	out := map[string]interface{}{"served": append([]string{}, l.served...), "failure": l.failure, "trustedRootChains": len(l.rootOrder)}
	l.mu.Unlock()
	hosts := []hostState{}
	for _, m := range l.managers {
		simulator.Map.WithLock(m, func() {
			s := hostState{Moref: m.host.Self.Value, Manager: m.Self.Value, CaCerts: len(m.caCerts)}
			if c := m.leaf(); c != nil {
				s.SHA256 = sha256Of(c.Raw)
			}
			hosts = append(hosts, s)
		})
	}
	out["hosts"] = hosts
	writeJSON(w, http.StatusOK, out)
}

// ---- vCenter appliance TLS REST (7.0+) ----

func restError(w http.ResponseWriter, code int, kind, msg string) {
	writeJSON(w, code, map[string]interface{}{"error_type": kind, "messages": []map[string]interface{}{{"id": "vcsim.lab." + strings.ToLower(kind), "default_message": msg, "args": []string{}}}})
}

func (l *certLab) registerREST(svc *simulator.Service) {
	const base = "/api/vcenter/certificate-management/vcenter/"
	svc.HandleFunc("/api/session", func(w http.ResponseWriter, r *http.Request) { l.session(svc, w, r) })
	svc.HandleFunc(base+"tls", l.authed(l.tls))
	svc.HandleFunc(base+"tls-csr", l.authed(l.tlsCsr))
	svc.HandleFunc(base+"trusted-root-chains", l.authed(l.rootChains))
	svc.HandleFunc(base+"trusted-root-chains/", l.authed(l.rootChain))
}

func (l *certLab) session(svc *simulator.Service, w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		user, pass, ok := r.BasicAuth()
		want := svc.Listen.User
		if !ok || (want != nil && want.Username() != "" && user != want.Username()) {
			restError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Authentication required.")
			return
		}
		if p, set := want.Password(); want != nil && set && p != "" && p != pass {
			restError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Authentication required.")
			return
		}
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		l.mu.Lock()
		l.sessions[id] = true
		l.mu.Unlock()
		writeJSON(w, http.StatusCreated, id)
	case http.MethodDelete:
		id := r.Header.Get("vmware-api-session-id")
		l.mu.Lock()
		ok := l.sessions[id]
		delete(l.sessions, id)
		l.mu.Unlock()
		if !ok {
			restError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Authentication required.")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		restError(w, http.StatusMethodNotAllowed, "OPERATION_NOT_FOUND", "POST or DELETE")
	}
}

func (l *certLab) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		ok := l.sessions[r.Header.Get("vmware-api-session-id")]
		l.mu.Unlock()
		if !ok {
			restError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Authentication required.")
			return
		}
		h(w, r)
	}
}

func colonHex(b []byte) string {
	s := strings.ToUpper(hex.EncodeToString(b))
	parts := make([]string, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		parts = append(parts, s[i:i+2])
	}
	return strings.Join(parts, ":")
}

func tlsInfo(c *x509.Certificate) map[string]interface{} {
	_, s1 := thumbprints(c.Raw)
	sans := []string{}
	sans = append(sans, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		sans = append(sans, ip.String())
	}
	return map[string]interface{}{
		"version": c.Version, "serial_number": colonHex(c.SerialNumber.Bytes()), "signature_algorithm": c.SignatureAlgorithm.String(),
		"issuer_dn": c.Issuer.String(), "subject_dn": c.Subject.String(), "valid_from": c.NotBefore.UTC().Format(time.RFC3339), "valid_to": c.NotAfter.UTC().Format(time.RFC3339),
		"thumbprint": s1, "is_CA": c.IsCA, "path_length_constraint": c.MaxPathLen, "key_usage": []string{}, "extended_key_usage": []string{},
		"subject_alternative_name": sans, "authority_information_access_uri": c.IssuingCertificateURL, "cert": certPEM(c.Raw),
	}
}

func (l *certLab) tls(w http.ResponseWriter, r *http.Request) {
	cur := l.current()
	switch r.Method {
	case http.MethodGet:
		if cur == nil {
			restError(w, http.StatusInternalServerError, "ERROR", "lab: no certificate files")
			return
		}
		c, _ := x509.ParseCertificate(cur.Certificate[0])
		writeJSON(w, http.StatusOK, tlsInfo(c))
	case http.MethodPut:
		l.putTLS(w, r)
	default:
		restError(w, http.StatusMethodNotAllowed, "OPERATION_NOT_FOUND", "GET or PUT")
	}
}

func (l *certLab) putTLS(w http.ResponseWriter, r *http.Request) {
	var spec struct {
		Cert     string `json:"cert"`
		Key      string `json:"key"`
		RootCert string `json:"root_cert"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&spec); err != nil || spec.Cert == "" {
		restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "The spec needs cert (PEM).")
		return
	}
	chain, err := parseCertsPEM(spec.Cert)
	if err != nil {
		restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid certificate: "+err.Error())
		return
	}
	l.mu.Lock()
	keys := append([]crypto.Signer{l.csrKey}, l.keys...)
	l.mu.Unlock()
	if spec.Key != "" {
		k, err := parseKeyPEM(spec.Key)
		if err != nil {
			restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid private key: "+err.Error())
			return
		}
		keys = []crypto.Signer{k}
	}
	pair, key, ok := pairFor(chain, keys)
	if !ok {
		restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "The private key does not match the certificate.")
		return
	}
	if spec.RootCert != "" {
		roots, err := parseCertsPEM(spec.RootCert)
		if err != nil {
			restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid root certificate: "+err.Error())
			return
		}
		l.addRoot("", []string{certPEM(roots[0].Raw)})
	}
	if msg := l.verifyTrusted(chain); msg != "" {
		restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", msg)
		return
	}
	if err := l.serve(pair); err != nil {
		restError(w, http.StatusInternalServerError, "ERROR", err.Error())
		return
	}
	l.mu.Lock()
	l.keys = []crypto.Signer{key}
	l.mu.Unlock()
	if l.takeFailure("vcenter") {
		restError(w, http.StatusInternalServerError, "ERROR", "lab: injected failure after the new certificate went live (services did not come back)")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// verifyTrusted: a self-signed certificate passes (the appliance's own); a
// CA-signed one must chain to a trusted root chain.
func (l *certLab) verifyTrusted(chain []*x509.Certificate) string {
	leaf := chain[0]
	if selfSigned(leaf) {
		return ""
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	l.mu.Lock()
	for _, pems := range l.roots {
		for _, p := range pems {
			if cs, err := parseCertsPEM(p); err == nil {
				for _, c := range cs {
					if selfSigned(c) {
						roots.AddCert(c)
					} else {
						inter.AddCert(c)
					}
				}
			}
		}
	}
	l.mu.Unlock()
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return "The certificate is not signed by a trusted root: add its root with root_cert or trusted-root-chains (" + err.Error() + ")."
	}
	return ""
}

func (l *certLab) tlsCsr(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		restError(w, http.StatusMethodNotAllowed, "OPERATION_NOT_FOUND", "POST")
		return
	}
	var spec struct {
		CommonName string `json:"common_name"`
	}
	_ = json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&spec)
	if spec.CommonName == "" {
		spec.CommonName = "vcsim.lab.local"
	}
	csr, key, err := newCSR(spec.CommonName, "", false)
	if err != nil {
		restError(w, http.StatusInternalServerError, "ERROR", err.Error())
		return
	}
	l.mu.Lock()
	l.csrKey = key
	l.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"csr": csr})
}

func (l *certLab) addRoot(id string, pems []string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if id == "" {
		sum := sha256Of([]byte(strings.Join(pems, "")))
		id = strings.ToLower(strings.ReplaceAll(sum, ":", ""))[:40]
	}
	if _, dup := l.roots[id]; !dup {
		l.rootOrder = append(l.rootOrder, id)
	}
	l.roots[id] = pems
	return id
}

func (l *certLab) rootChains(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		l.mu.Lock()
		out := []map[string]string{}
		for _, id := range l.rootOrder {
			out = append(out, map[string]string{"chain": id})
		}
		l.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case http.MethodPost:
		var spec struct {
			CertChain struct {
				CertChain []string `json:"cert_chain"`
			} `json:"cert_chain"`
			Chain string `json:"chain"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&spec); err != nil || len(spec.CertChain.CertChain) == 0 {
			restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "The spec needs cert_chain.cert_chain (PEM certificates).")
			return
		}
		for _, p := range spec.CertChain.CertChain {
			if _, err := parseCertsPEM(p); err != nil {
				restError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid certificate: "+err.Error())
				return
			}
		}
		writeJSON(w, http.StatusCreated, l.addRoot(spec.Chain, spec.CertChain.CertChain))
	default:
		restError(w, http.StatusMethodNotAllowed, "OPERATION_NOT_FOUND", "GET or POST")
	}
}

func (l *certLab) rootChain(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/api/vcenter/certificate-management/vcenter/trusted-root-chains/")
	l.mu.Lock()
	pems, ok := l.roots[id]
	l.mu.Unlock()
	if !ok {
		restError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("No trusted root chain %q.", id))
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]interface{}{"cert_chain": map[string][]string{"cert_chain": pems}})
	case http.MethodDelete:
		l.mu.Lock()
		delete(l.roots, id)
		for i, x := range l.rootOrder {
			if x == id {
				l.rootOrder = append(l.rootOrder[:i], l.rootOrder[i+1:]...)
				break
			}
		}
		l.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		restError(w, http.StatusMethodNotAllowed, "OPERATION_NOT_FOUND", "GET or DELETE")
	}
}
