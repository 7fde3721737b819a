# The two commands of the README.
.PHONY: run test setup bench
run:     ## set up, build, start the ERP.net stand-in and serve the app
	scripts/run
test:    ## set up, then every test layer; ends with "N passed, M failed"
	scripts/test
setup:
	scripts/setup
