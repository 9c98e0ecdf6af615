package main

// RetrievePropertiesEx pages as a vCenter does. With RetrieveOptions.maxObjects set, the first
// answer holds at most that many objects and a token; ContinueRetrievePropertiesEx answers the next
// page and CancelRetrievePropertiesEx drops the rest (vSphere API reference, PropertyCollector:
// "the server may return fewer objects … the remaining results are retained until retrieved with
// ContinueRetrievePropertiesEx or discarded with CancelRetrievePropertiesEx"). Upstream vcsim
// (govmomi 0.24 simulator/property_collector.go) ignores maxObjects and answers everything in one
// response, which it builds whole before sending a byte. Here the objects are collected once, on
// the first call, and each page is encoded when it is asked for, so a client can read one page
// while the next is being made. Without maxObjects the answer is unchanged (one response).

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// retained results by token; a token is answered once.
type retained struct {
	mu      sync.Mutex
	counter int
	rest    map[string]retainedPages
}

type retainedPages struct {
	objects []types.ObjectContent
	size    int
}

var retainedResults = &retained{rest: map[string]retainedPages{}}

// maxRetained: tokens kept at most (a client that never continues nor cancels cannot fill memory).
const maxRetained = 256

func (r *retained) page(objects []types.ObjectContent, size int) types.RetrieveResult {
	if size <= 0 || len(objects) <= size {
		return types.RetrieveResult{Objects: objects}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.rest) >= maxRetained {
		for k := range r.rest {
			delete(r.rest, k)
			break
		}
	}
	r.counter++
	token := "lab-page-" + strconv.Itoa(r.counter)
	r.rest[token] = retainedPages{objects: objects[size:], size: size}
	return types.RetrieveResult{Token: token, Objects: objects[:size]}
}

func (r *retained) take(token string) (retainedPages, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.rest[token]
	delete(r.rest, token)
	return p, ok
}

// pagingPC is the lab's root PropertyCollector (same moref as upstream's); livePC embeds it.
type pagingPC struct {
	simulator.PropertyCollector
}

// replaceRootPC puts the object `build` makes in the registry in place of upstream's root
// PropertyCollector, with the same moref (vcsim gives each session a fresh copy of its type).
func replaceRootPC(pcRef types.ManagedObjectReference, build func(self types.ManagedObjectReference) mo.Reference) {
	if orig, ok := simulator.Map.Get(pcRef).(*simulator.PropertyCollector); ok {
		simulator.Map.Put(build(orig.Self))
	}
}

func installPaging(pcRef types.ManagedObjectReference) {
	replaceRootPC(pcRef, func(self types.ManagedObjectReference) mo.Reference {
		pc := &pagingPC{}
		pc.Self = self
		return pc
	})
}

func (pc *pagingPC) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	res := pc.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := res.(*methods.RetrievePropertiesExBody)
	if !ok || body.Res == nil || body.Res.Returnval == nil || r.Options.MaxObjects <= 0 {
		return res
	}
	page := retainedResults.page(body.Res.Returnval.Objects, int(r.Options.MaxObjects))
	body.Res.Returnval = &page
	return body
}

func (pc *pagingPC) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	p, ok := retainedResults.take(r.Token)
	if !ok {
		body.Fault_ = simulator.Fault("", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: retainedResults.page(p.objects, p.size)}
	return body
}

func (pc *pagingPC) CancelRetrievePropertiesEx(ctx *simulator.Context, r *types.CancelRetrievePropertiesEx) soap.HasFault {
	body := &methods.CancelRetrievePropertiesExBody{}
	if _, ok := retainedResults.take(r.Token); !ok {
		body.Fault_ = simulator.Fault("", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	body.Res = &types.CancelRetrievePropertiesExResponse{}
	return body
}

// registerPagingEndpoint: GET /lab/paging tells how many tokens the lab still keeps (a client that
// stops paging must cancel its token).
func registerPagingEndpoint(svc *simulator.Service) {
	svc.HandleFunc("/lab/paging", func(w http.ResponseWriter, r *http.Request) {
		retainedResults.mu.Lock()
		n := len(retainedResults.rest)
		retainedResults.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]int{"retained": n})
	})
}
