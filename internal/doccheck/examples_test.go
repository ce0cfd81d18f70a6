package main

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The example-coverage check: every exported function, method and type of a
// library package of the core module has a godoc example under the name go
// doc shows it with (ExampleF, ExampleT, ExampleT_M, each with an optional
// _suffix that starts with a lower-case letter), or is listed in exempt
// (with its reason) or pending, in exemptions_test.go. Every example has an
// output comment, so that go test runs it.

// A pkg is a parsed package: its source files and its test files.
type pkg struct {
	src, tests []*ast.File
}

// corePackages are the library packages that must exist; the check fails
// if the walk does not find them, so that it can never pass by looking at
// nothing.
var corePackages = []string{"pool", "pipeline", "ratelimit", "ratelimit/httplimit", "cancel", "group"}

// TestExamples checks the module's library packages against their examples.
func TestExamples(t *testing.T) {
	pkgs, err := libraryPackages(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range corePackages {
		if _, ok := pkgs[p]; !ok {
			t.Errorf("library package %s not found", p)
		}
	}
	for _, p := range problems(pkgs, exempt, pending) {
		t.Error(p)
	}
}

// problems returns what is wrong with the examples of pkgs: an identifier
// without an example that neither list names, and an entry of either list
// that has an example, names nothing exported, or (in exempt) gives no
// reason. The result is sorted.
func problems(pkgs map[string]*pkg, exempt map[string]string, pending map[string]bool) []string {
	var out []string
	exported := map[string]bool{} // every "path.Name" the packages export
	for path, p := range pkgs {
		have := examples(p.tests)
		for _, name := range withoutOutput(p.tests) {
			out = append(out, fmt.Sprintf("%s.%s has no // Output: comment: go test compiles it but never runs it", path, name))
		}
		for _, name := range needExamples(p.src) {
			key := path + "." + name
			exported[key] = true
			_, isExempt := exempt[key]
			switch covered := hasExample(name, have); {
			case covered && isExempt:
				out = append(out, key+" has an example: delete it from exempt")
			case covered && pending[key]:
				out = append(out, key+" has an example now: delete it from pending")
			case !covered && !isExempt && !pending[key]:
				out = append(out, fmt.Sprintf("%s has no example: add Example%s (or one with a _suffix), or exempt it with a reason",
					key, strings.ReplaceAll(name, ".", "_")))
			}
		}
	}
	for key, reason := range exempt {
		if !exported[key] {
			out = append(out, key+" is exempt but not exported by any library package: delete it")
		}
		if strings.TrimSpace(reason) == "" {
			out = append(out, key+" is exempt without a reason")
		}
	}
	for key := range pending {
		if !exported[key] {
			out = append(out, key+" is pending but not exported by any library package: delete it")
		}
	}
	sort.Strings(out)
	return out
}

// libraryPackages parses the Go files, tests included, of every library
// package below root: each directory with Go files, except internal/,
// examples/, testdata/, vendor/, hidden directories and nested modules
// (directories with a go.mod of their own). The map is keyed by the
// package's path relative to root, such as "ratelimit/httplimit".
func libraryPackages(root string) (map[string]*pkg, error) {
	fset := token.NewFileSet()
	pkgs := map[string]*pkg{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != root {
			switch name := d.Name(); {
			case name == "internal", name == "examples", name == "testdata", name == "vendor",
				strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		files, err := filepath.Glob(filepath.Join(path, "*.go"))
		if err != nil || len(files) == 0 {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		p := &pkg{}
		pkgs[filepath.ToSlash(rel)] = p
		for _, name := range files {
			f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			if strings.HasSuffix(name, "_test.go") {
				p.tests = append(p.tests, f)
			} else {
				p.src = append(p.src, f)
			}
		}
		return nil
	})
	return pkgs, err
}

// needExamples returns the names that want an example, from the source
// files of a package: "F" for an exported function, "T" for an exported
// type (aliases included), "T.M" for an exported method of an exported
// type.
func needExamples(files []*ast.File) []string {
	var names []string
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if recv := receiverType(d); recv == "" {
					names = append(names, d.Name.Name)
				} else if ast.IsExported(recv) {
					names = append(names, recv+"."+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if s, ok := spec.(*ast.TypeSpec); ok && s.Name.IsExported() {
						names = append(names, s.Name.Name)
					}
				}
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// examples returns the names of the example functions in test files.
func examples(files []*ast.File) []string {
	var names []string
	for _, f := range files {
		for _, decl := range f.Decls {
			d, ok := decl.(*ast.FuncDecl)
			if ok && d.Recv == nil && strings.HasPrefix(d.Name.Name, "Example") &&
				d.Type.Params.NumFields() == 0 && d.Type.Results.NumFields() == 0 {
				names = append(names, d.Name.Name)
			}
		}
	}
	return names
}

// withoutOutput returns the names of the examples in test files that have
// no output comment, which go test compiles but does not run. The files
// must have been parsed with their comments.
func withoutOutput(files []*ast.File) []string {
	var names []string
	for _, e := range doc.Examples(files...) {
		if e.Output == "" && !e.EmptyOutput {
			names = append(names, "Example"+e.Name)
		}
	}
	return names
}

// hasExample reports whether one of the examples is shown by go doc with
// name ("F", "T" or "T.M"): it is named Example followed by name with its
// dot as an underscore, and then nothing or an underscore and a suffix that
// starts with a lower-case letter.
func hasExample(name string, examples []string) bool {
	base := "Example" + strings.ReplaceAll(name, ".", "_")
	for _, e := range examples {
		suffix, ok := strings.CutPrefix(e, base)
		if !ok {
			continue
		}
		if suffix == "" {
			return true
		}
		if rest, ok := strings.CutPrefix(suffix, "_"); ok {
			if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
				return true
			}
		}
	}
	return false
}
