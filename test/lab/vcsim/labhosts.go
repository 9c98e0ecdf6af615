package main

// POST /lab/host: make a vCenter's host stand for another lab peer, for the certificate board and
// rotation tests ("a vCenter whose hosts are -esx instances"):
//
//	{"moref":"host-21","name":"127.0.0.1:40123","generation":"5.5","certificate":"-----BEGIN CERTIFICATE-----…"}
//
// "name" renames the HostSystem (as if it had been added by that address: a real vCenter names a
// host by the FQDN or IP it was added with, and clients reach its port 443 there; the lab's hosts
// listen on other ports, so the name carries one). "generation" makes the host's
// summary.config.product and config.product read as that ESXi release (a mixed-generation
// vCenter), the same values -generation gives every host, and takes its HostCertificateManager away
// on a generation without one (4.1, 5.5; certificates.go). "certificate" (PEM) is what the host's
// HostCertificateManager reports in certificateInfo: the certificate the peer serves, as a real
// vCenter reports the host's own. Every field may be left out.

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

type hostEdit struct {
	Moref      string `json:"moref"`
	Name       string `json:"name"`
	Generation  string `json:"generation"`
	Certificate string `json:"certificate"`
}

func registerHostEdits(svc *simulator.Service) {
	svc.HandleFunc("/lab/host", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "POST only"})
			return
		}
		var e hostEdit
		data, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err == nil {
			err = json.Unmarshal(data, &e)
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		var g generation
		if e.Generation != "" {
			var ok bool
			if g, ok = generations[e.Generation]; !ok {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unknown generation " + e.Generation + " (known: " + generationNames() + ")"})
				return
			}
		}
		ref := types.ManagedObjectReference{Type: "HostSystem", Value: e.Moref}
		h, ok := simulator.Map.Get(ref).(*simulator.HostSystem)
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no HostSystem " + e.Moref})
			return
		}
		var leaf []byte
		if e.Certificate != "" {
			block, _ := pem.Decode([]byte(e.Certificate))
			if block == nil || block.Type != "CERTIFICATE" {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "certificate: not a PEM certificate"})
				return
			}
			leaf = block.Bytes
		}
		simulator.Map.WithLock(h, func() {
			if e.Name != "" {
				h.Name = e.Name
				h.Summary.Config.Name = e.Name
			}
			if e.Generation != "" {
				product := g.esx
				h.Summary.Config.Product = &product
				if h.Config != nil {
					h.Config.Product = g.esx
				}
				if !hostsHaveCertificateManager(e.Generation) {
					h.ConfigManager.CertificateManager = nil
				}
			}
			if leaf != nil && h.ConfigManager.CertificateManager != nil {
				if m, ok := simulator.Map.Get(*h.ConfigManager.CertificateManager).(*labCertManager); ok && !m.serving {
					m.pair = &tls.Certificate{Certificate: [][]byte{leaf}}
					m.refreshInfo()
				}
			}
		})
		writeJSON(w, http.StatusOK, map[string]string{"moref": e.Moref, "name": h.Name})
	})
}
