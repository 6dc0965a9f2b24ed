// Command documents is the Lambda serving the document registry routes
// (GET/POST /documents, /documents/{id}, archive, history, document types).
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnDocuments) }
