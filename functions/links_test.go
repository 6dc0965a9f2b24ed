package functions

import (
	"bufio"
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
)

// What each Lambda links, by `go list -deps`: a package linked is a package
// whose init runs on every cold start and whose code ships in the zip, so
// "links only what it serves" is checked on the import graph, not on what
// the linker happens to drop.

const module = "github.com/kabinet/kabinet/"

// pkg is one package of a function's build: its import path and its
// imports (non-test).
type pkg struct {
	path    string
	imports []string
}

// graph is what `go list -deps` reports for ./functions/<name>: every
// package the function links, with its imports.
type graph map[string]pkg

// deps lists what function name links, built as make build builds it
// (-tags lambda.norpc: aws-lambda-go without its net/rpc server).
func deps(t *testing.T, name string) graph {
	t.Helper()
	out, err := exec.Command("go", "list", "-tags", "lambda.norpc", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./"+name).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps ./functions/%s: %v\n%s", name, err, stderr)
	}
	g := graph{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			g[f[0]] = pkg{path: f[0], imports: f[1:]}
		}
	}
	return g
}

// links reports whether g holds a package whose path is prefix or starts
// with prefix + "/".
func (g graph) links(prefix string) []string {
	var out []string
	for p := range g {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// reaches reports whether target is reachable from root without passing
// through any package of skip.
func (g graph) reaches(root, target string, skip ...string) []string {
	type step struct {
		at   string
		path []string
	}
	seen := map[string]bool{root: true}
	queue := []step{{root, []string{root}}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s.at == target {
			return s.path
		}
		for _, next := range g[s.at].imports {
			if seen[next] || slices.Contains(skip, next) {
				continue
			}
			seen[next] = true
			queue = append(queue, step{next, append(slices.Clone(s.path), next)})
		}
	}
	return nil
}

var (
	graphsOnce sync.Once
	graphs     map[string]graph
)

// all is every function's graph, listed once for the package's tests.
func all(t *testing.T) map[string]graph {
	t.Helper()
	graphsOnce.Do(func() {
		graphs = map[string]graph{}
		for _, f := range All {
			graphs[f.Name] = deps(t, f.Name)
		}
	})
	if len(graphs) != len(All) {
		t.Fatal("listing the functions' builds failed in an earlier test")
	}
	return graphs
}

// GIVEN every function WHEN its build is listed THEN none links the
// development routes, the token issuer, the local runner's or the tests'
// helpers: that code exists only in cmd/local (and tests).
func TestNoFunctionLinksDevelopmentCode(t *testing.T) {
	for name, g := range all(t) {
		for _, dev := range []string{"internal/devapi", "internal/apidocs", "internal/emulators", "internal/testenv",
			"internal/functest", "cmd"} {
			if got := g.links(module + dev); len(got) > 0 {
				t.Errorf("%s links %v", name, got)
			}
		}
	}
}

// GIVEN every function WHEN its build is listed THEN an HTTP function links
// its own handler package and no other function's, and a function without
// routes links no HTTP code at all.
func TestEachFunctionLinksOnlyItsHandlers(t *testing.T) {
	gs := all(t)
	for _, f := range All {
		g := gs[f.Name]
		got := g.links(module + "shared/adapter/httpapi")
		if len(f.Routes) == 0 {
			if len(got) > 0 {
				t.Errorf("%s serves no route but links %v", f.Name, got)
			}
			continue
		}
		own := module + "shared/adapter/httpapi/" + f.Name
		if !slices.Contains(got, own) {
			t.Errorf("%s does not link its handlers (%s)", f.Name, own)
		}
		for _, p := range got {
			if p != own && p != module+"shared/adapter/httpapi" && p != module+"shared/adapter/httpapi/lambdahttp" {
				t.Errorf("%s links %s, another function's handlers", f.Name, p)
			}
		}
	}
}

// ticketRoutes are the routes that render a booking's ticket: its QR code
// and its PDF confirmation.
var ticketRoutes = []string{"GET /bookings/{id}/qr.png", "GET /bookings/{id}/confirmation.pdf",
	"GET /applications/{id}/payment-qr.png", "GET /applications/{id}/receipt.pdf"}

// pdfRoutes are the ticket routes that render a PDF: the booking's
// confirmation and the application's receipt (drawn only when asked, but
// the library's init runs at every start of the function that links it).
var pdfRoutes = []string{"GET /bookings/{id}/confirmation.pdf", "GET /applications/{id}/receipt.pdf"}

// GIVEN every HTTP function WHEN its build is listed THEN only one serving a
// ticket route links the QR library, and only one serving a PDF links the
// PDF library (its package init runs at every start).
func TestTicketLibrariesOnlyWhereTicketsAreServed(t *testing.T) {
	gs := all(t)
	servers, pdfServers := 0, 0
	for _, f := range All {
		servesAny := func(routes []string) bool {
			return slices.ContainsFunc(f.Routes, func(r Route) bool { return slices.Contains(routes, r.Pattern) })
		}
		serves, servesPDF := servesAny(ticketRoutes), servesAny(pdfRoutes)
		if serves {
			servers++
		}
		if servesPDF {
			pdfServers++
		}
		for _, lib := range []struct {
			path   string
			serves bool
			what   string
		}{{"github.com/go-pdf/fpdf", servesPDF, "PDF"}, {"github.com/skip2/go-qrcode", serves, "ticket"}} {
			if linked := len(gs[f.Name].links(lib.path)) > 0; linked && !lib.serves {
				t.Errorf("%s serves no %s route but links %s", f.Name, lib.what, lib.path)
			}
		}
	}
	if servers == 0 || pdfServers == 0 {
		t.Error("no function serves a ticket or a PDF route: ticketRoutes or pdfRoutes is stale")
	}
}

// GIVEN every function WHEN its build is listed THEN none links
// encoding/gob: its package init registers its types by reflection, about
// 0.5 M instructions at every start (booking's and applications' init ran
// 1.23× and 1.27× hello + SDK's with it, 1.14× and 1.20× without).
// The PDF library brought it for serialising templates and images Kabinet
// never serialises: third_party/fpdf is go-pdf/fpdf without those methods.
func TestNoFunctionLinksGob(t *testing.T) {
	for name, g := range all(t) {
		if path := g.reaches(module+"functions/"+name, "encoding/gob"); path != nil {
			t.Errorf("%s links encoding/gob: %s", name, strings.Join(path, " → "))
		}
	}
}

// GIVEN every function WHEN its build is listed THEN none links the SDK's
// Secrets Manager, SQS or S3 client: shared/adapter/secrets and
// shared/adapter/queue send their calls themselves (internal/awsjson),
// shared/adapter/objects its S3 calls (internal/awss3), and each client's
// package init would run at every start (the S3 client's: 0.4–0.5 M
// instructions, BENCHMARKS.md's Init section). cmd/local and tests may
// link them.
func TestNoFunctionLinksTheSecretsManagerSQSOrS3Client(t *testing.T) {
	for name, g := range all(t) {
		for _, client := range []string{"github.com/aws/aws-sdk-go-v2/service/secretsmanager", "github.com/aws/aws-sdk-go-v2/service/sqs",
			"github.com/aws/aws-sdk-go-v2/service/s3"} {
			if path := g.links(client); len(path) > 0 {
				t.Errorf("%s links %s: %s", name, client, strings.Join(path, ", "))
			}
		}
	}
}

// GIVEN the documents function WHEN its build is listed THEN it reaches
// neither the booking nor the applications domain, by any path: the store
// is split per domain (shared/adapter/store/docstore is all of it the
// documents function builds).
func TestDocumentsLinksNoBookingOrApplications(t *testing.T) {
	g := deps(t, Documents)
	for _, domain := range []string{"shared/domain/booking", "shared/domain/applications"} {
		if path := g.reaches(module+"functions/"+Documents, module+domain); path != nil {
			t.Errorf("documents links %s: %s", domain, strings.Join(path, " → "))
		}
	}
}

// partitioned are the packages a function links only when it serves them:
// the domains beyond the registry every domain builds on (its profile,
// documents and validity rules), and each domain's store.
var partitioned = []string{
	"shared/domain/booking", "shared/domain/directory", "shared/domain/ticket",
	"shared/domain/applications", "shared/domain/inbox", "shared/domain/orgs",
	"shared/domain/ingest", "shared/domain/issuers", "shared/domain/reminders", "shared/domain/pace", "shared/domain/family",
	"shared/adapter/store/docstore", "shared/adapter/store/familystore", "shared/adapter/store/bookingstore", "shared/adapter/store/appstore",
	"shared/adapter/store/inboxstore", "shared/adapter/store/orgstore", "shared/adapter/store/ingeststore",
	"shared/adapter/store/remindstore", "shared/adapter/store/allstore", "shared/adapter/store/storetest",
	"shared/adapter/store/filestore", "shared/adapter/store/sharestore", "shared/adapter/store/dirstore",
	"shared/domain/files", "shared/domain/sharing", "shared/adapter/store/handoverstore",
	"shared/domain/erasure", "shared/adapter/store/erasestore",
	"shared/domain/stats/agencystats", "shared/domain/stats/inststats", "shared/domain/stats/changes", "shared/adapter/store/statsfeed",
}

// reminderPipeline is what the reminder pipeline's functions serve: the due index
// holds documents, bookings, applications' messages and their deadlines
// (which the applications domain decides, on its store), and a reminder
// lands in the inbox.
// A child's 18th birthday and their hand-over's deadline are due there
// too (family, familystore); the functions that act on them also archive
// (handoverstore, which knows the files' records a document moves with).
// A person's erasure under way is due there too (erasure, erasestore).
var reminderPipeline = []string{"reminders", "pace", "booking", "directory", "applications", "inbox", "family",
	"remindstore", "docstore", "familystore", "bookingstore", "dirstore", "inboxstore", "appstore", "erasure", "erasestore"}

// reminderActors are the pipeline's functions that act on what is due
// (a hand-over ends the moved documents' shares: sharing, sharestore).
var reminderActors = append(slices.Clone(reminderPipeline), "filestore", "files", "handoverstore", "sharing", "sharestore")

// reminderWorker is what the worker links: the actors' and an erasure's
// steps, which erase through the domains owning what is erased: consents
// (orgs) too.
var reminderWorker = append(slices.Clone(reminderActors), "orgs", "orgstore")

// serves is, for each function, the partitioned packages it serves (by
// their last path elements): what its routes, schedule or events are for.
var serves = map[string][]string{
	// family: a document's subject may be a dependent of the holder's.
	// Documents keeps files and their shares with institutions (which must
	// be in the directory); an infected file's notice is a files type.
	Documents: {"docstore", "family", "familystore", "files", "filestore", "sharing", "sharestore", "directory", "dirstore", "inbox"},
	// a grown-up child's documents move, with their files' records, to
	// their own account (handoverstore, filestore's keys)
	// (an infected file's notice, filestore's, is an inbox type)
	// the account's erasure is asked for and followed here (erasure,
	// erasestore); its steps run in the reminder worker
	// a hand-over ends the moved documents' shares (sharing, sharestore,
	// whose institutions are the directory's) and tells the holder in the
	// inbox (inboxstore)
	Profile: {"docstore", "family", "familystore", "filestore", "files", "handoverstore", "inbox", "erasure", "erasestore",
		"sharing", "sharestore", "directory", "inboxstore"},
	Notifications: {"inbox", "inboxstore"},
	// a booking's change writes its confirmation into the inbox; a closed
	// visit's act and prescriptions are documents of the patient's
	// registry; its patient may be a dependent (family)
	// and the institution's dashboard (inststats)
	Booking: {"booking", "directory", "ticket", "inbox", "bookingstore", "dirstore", "inboxstore", "docstore", "family", "familystore",
		"inststats"},
	// an invitation names an office of the electronic registry's
	// directory (dirstore keeps it) and links to booking there; the
	// state fee's payment QR code is drawn by qrpng, without the ticket's
	// PDF; an application may be filed for a dependent (family); an
	// answer links the applicant's files, which staff download
	Applications: {"applications", "inbox", "appstore", "docstore", "inboxstore", "directory", "dirstore", "bookingstore", "booking",
		"family", "familystore", "files", "filestore", "agencystats"},
	Orgs:      {"orgs", "orgstore", "docstore"},
	OrgDigest: {"orgs", "orgstore", "docstore"},
	// directory: the applications domain's Places port speaks its types.
	// Ingest also takes laboratories' results into people's files and
	// applies GuardDuty's verdicts on them.
	Ingest: {"ingest", "issuers", "applications", "inbox", "ingeststore", "docstore", "appstore", "inboxstore", "directory",
		"files", "filestore"},
	ExpiryScan:       reminderActors,
	ReminderDispatch: reminderPipeline,
	ReminderWorker:   reminderWorker,
	// the aggregator reads applications, bookings, slots and waiting-list
	// entries off the stream through their stores, and the directory
	// (a slot's day is in its institution's zone); those stores link
	// docstore and the inbox's (a change's notice goes with it)
	StatsAggregator: {"statsfeed", "changes", "agencystats", "inststats", "applications", "booking", "appstore", "bookingstore",
		"directory", "dirstore", "docstore", "inbox", "inboxstore"},
}

// GIVEN every function WHEN its build is listed THEN of the domains and
// domain stores it links exactly those it serves: a function never carries
// another domain's rules or items (nor allstore, every store at once, which
// only the local runner and the tests use).
func TestEachFunctionLinksOnlyTheDomainsItServes(t *testing.T) {
	gs := all(t)
	for _, f := range All {
		want, ok := serves[f.Name]
		if !ok {
			t.Errorf("%s: not in serves", f.Name)
			continue
		}
		var got []string
		for _, p := range partitioned {
			if _, linked := gs[f.Name][module+p]; linked {
				got = append(got, p[strings.LastIndex(p, "/")+1:])
			}
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("%s links %v, want %v", f.Name, got, want)
		}
	}
}

// GIVEN every function WHEN its build is listed THEN only the reminder
// pipeline's links its job queues' adapter (the other functions never
// enqueue a job).
func TestOnlyThePipelineLinksTheJobQueues(t *testing.T) {
	for name, g := range all(t) {
		pipeline := name == ReminderDispatch || name == ReminderWorker
		for _, p := range []string{module + "shared/adapter/queue", module + "shared/app/pipeline"} {
			if linked := len(g.links(p)) > 0; linked != pipeline {
				t.Errorf("%s links %s: %v, want %v", name, p, linked, pipeline)
			}
		}
	}
}
