module github.com/gopatterns/concurrency/internal/peerbench

go 1.26

require github.com/gopatterns/concurrency v0.0.0

replace github.com/gopatterns/concurrency => ../..
