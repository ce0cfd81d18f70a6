package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Tests of the example-coverage check itself, on fixtures.

const exampleSrc = `package p

func F() {}
func G() {}
func H() {}
func unexported() {}

type T[E any] struct{}

func (T[E]) M()      {}
func (*T[E]) N()     {}
func (T[E]) hidden() {}

type U = T[int]

type hidden struct{}

func (hidden) Exported() {}
`

const exampleTests = `package p_test

func Example()           { println(); /* Output: */ }
func ExampleF()          { println() // Output: x
}
func ExampleG_Upper()    { println() // Output: x
} // not a suffix: G stays without example
func ExampleH_lower()    { println() // Unordered output: x
}
func ExampleT_M_second() { println() // Output: x
}
func ExampleT_N()        { println() // Output: x
}
func ExampleU(x int)     {} // takes an argument: not an example
func ExampleV()          { println() } // no output: never run
func helper()           {}
`

func parse(t *testing.T, src string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestNeedExamples(t *testing.T) {
	got := needExamples([]*ast.File{parse(t, exampleSrc)})
	want := []string{"F", "G", "H", "T", "T.M", "T.N", "U"}
	if !slices.Equal(got, want) {
		t.Errorf("needExamples = %q, want %q", got, want)
	}
}

func TestProblems(t *testing.T) {
	pkgs := map[string]*pkg{"a/p": {
		src:   []*ast.File{parse(t, exampleSrc)},
		tests: []*ast.File{parse(t, exampleTests)},
	}}
	exempt := map[string]string{
		"a/p.T":    "made by a constructor",
		"a/p.F":    "has an example anyway",
		"a/p.Gone": "no longer exported",
	}
	pending := map[string]bool{"a/p.G": true, "a/p.T.N": true, "a/p.Old": true}
	got := problems(pkgs, exempt, pending)
	want := []string{
		"a/p.ExampleV has no // Output: comment: go test compiles it but never runs it",
		"a/p.F has an example: delete it from exempt",
		"a/p.Gone is exempt but not exported by any library package: delete it",
		"a/p.Old is pending but not exported by any library package: delete it",
		"a/p.T.N has an example now: delete it from pending",
		"a/p.U has no example: add ExampleU (or one with a _suffix), or exempt it with a reason",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	exempt = map[string]string{"a/p.T": " "}
	if got := problems(pkgs, exempt, map[string]bool{"a/p.G": true, "a/p.U": true}); !slices.Contains(got, "a/p.T is exempt without a reason") {
		t.Errorf("problems = %q, want an exemption without a reason reported", got)
	}
}

// libraryPackages skips internal/, examples/, testdata/, hidden directories
// and nested modules, and tells test files from source files.
func TestLibraryPackages(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{
		"go.mod", "a/a.go", "a/a_test.go", "a/b/b.go", "internal/i/i.go", "examples/e/main.go",
		"a/testdata/t.go", ".git/g.go", "nested/go.mod", "nested/n.go", "nested/deeper/d.go", "empty/README",
	} {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		src := "package x\n"
		if name == "go.mod" || name == "nested/go.mod" {
			src = "module x\n"
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs, err := libraryPackages(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for path, p := range pkgs {
		got = append(got, fmt.Sprintf("%s:%d+%d", path, len(p.src), len(p.tests)))
	}
	slices.Sort(got)
	if want := []string{"a/b:1+0", "a:1+1"}; !slices.Equal(got, want) {
		t.Errorf("libraryPackages = %q, want %q", got, want)
	}
}
