package chk
import (
 _ "github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
 _ "github.com/alibabacloud-go/darabonba-openapi/v2/client"
 _ "github.com/alibabacloud-go/tea/tea"
 _ "github.com/getkin/kin-openapi/openapi3filter"
 _ "github.com/getkin/kin-openapi/routers/legacy"
 _ "github.com/stretchr/testify/require"
 _ "pgregory.net/rapid"
 _ "gopkg.in/yaml.v3"
)
