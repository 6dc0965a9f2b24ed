// Command profile is the Lambda serving GET/PUT /profile.
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/httpapi"
	"github.com/kabinet/kabinet/shared/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnProfile) }
