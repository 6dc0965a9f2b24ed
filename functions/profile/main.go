// Command profile is the Lambda serving GET/PUT /profile.
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnProfile) }
