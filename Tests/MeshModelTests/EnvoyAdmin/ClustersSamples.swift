/// A hand-written `/clusters` capture in both forms, covering what the fixtures do not:
/// IPv6, an Envoy internal address, a unix socket, failed health flags, success rates,
/// localities, priorities, EDS service and observability names. Both say the same thing.
enum ClustersSamples {
    static let text = """
    outbound|80||web.default.svc.cluster.local::observability_name::outbound|80||web.default.svc.cluster.local
    outbound|80||web.default.svc.cluster.local::default_priority::max_connections::4294967295
    outbound|80||web.default.svc.cluster.local::default_priority::max_pending_requests::4294967295
    outbound|80||web.default.svc.cluster.local::default_priority::max_requests::4294967295
    outbound|80||web.default.svc.cluster.local::default_priority::max_retries::4294967295
    outbound|80||web.default.svc.cluster.local::high_priority::max_connections::1024
    outbound|80||web.default.svc.cluster.local::high_priority::max_pending_requests::1024
    outbound|80||web.default.svc.cluster.local::high_priority::max_requests::1024
    outbound|80||web.default.svc.cluster.local::high_priority::max_retries::3
    outbound|80||web.default.svc.cluster.local::added_via_api::true
    outbound|80||web.default.svc.cluster.local::eds_service_name::outbound|80||web.default.svc.cluster.local
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::cx_active::2
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::cx_connect_fail::0
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::cx_total::17
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::rq_active::1
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::rq_error::3
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::rq_success::120
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::rq_timeout::1
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::rq_total::124
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::hostname::
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::health_flags::healthy
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::weight::1
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::region::us-east1
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::zone::us-east1-b
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::sub_zone::
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::canary::false
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::priority::0
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::success_rate::97.5
    outbound|80||web.default.svc.cluster.local::10.244.0.12:8080::local_origin_success_rate::-1
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::cx_active::0
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::cx_connect_fail::5
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::cx_total::5
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::rq_active::0
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::rq_error::40
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::rq_success::0
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::rq_timeout::0
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::rq_total::40
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::hostname::
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::health_flags::/failed_outlier_check/failed_eds_health
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::weight::2
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::region::
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::zone::
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::sub_zone::
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::canary::false
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::priority::1
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::success_rate::-1
    outbound|80||web.default.svc.cluster.local::[fd00::7]:8080::local_origin_success_rate::-1
    inbound-vip|80|http|web.default.svc.cluster.local::observability_name::inbound-vip|80|http|web.default.svc.cluster.local
    inbound-vip|80|http|web.default.svc.cluster.local::default_priority::max_connections::4294967295
    inbound-vip|80|http|web.default.svc.cluster.local::default_priority::max_pending_requests::4294967295
    inbound-vip|80|http|web.default.svc.cluster.local::default_priority::max_requests::4294967295
    inbound-vip|80|http|web.default.svc.cluster.local::default_priority::max_retries::4294967295
    inbound-vip|80|http|web.default.svc.cluster.local::high_priority::max_connections::1024
    inbound-vip|80|http|web.default.svc.cluster.local::high_priority::max_pending_requests::1024
    inbound-vip|80|http|web.default.svc.cluster.local::high_priority::max_requests::1024
    inbound-vip|80|http|web.default.svc.cluster.local::high_priority::max_retries::3
    inbound-vip|80|http|web.default.svc.cluster.local::added_via_api::true
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::cx_active::1
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::cx_connect_fail::0
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::cx_total::1
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::rq_active::0
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::rq_error::0
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::rq_success::9
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::rq_timeout::0
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::rq_total::9
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::hostname::web.default.svc.cluster.local
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::health_flags::healthy
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::weight::1
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::region::
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::zone::
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::sub_zone::
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::canary::false
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::priority::0
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::success_rate::-1
    inbound-vip|80|http|web.default.svc.cluster.local::envoy://connect_originate/10.244.0.12:8080::local_origin_success_rate::-1
    sds-grpc::observability_name::sds-grpc
    sds-grpc::default_priority::max_connections::4294967295
    sds-grpc::default_priority::max_pending_requests::4294967295
    sds-grpc::default_priority::max_requests::4294967295
    sds-grpc::default_priority::max_retries::4294967295
    sds-grpc::high_priority::max_connections::1024
    sds-grpc::high_priority::max_pending_requests::1024
    sds-grpc::high_priority::max_requests::1024
    sds-grpc::high_priority::max_retries::3
    sds-grpc::added_via_api::false
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::cx_active::1
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::cx_connect_fail::0
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::cx_total::1
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::rq_active::1
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::rq_error::0
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::rq_success::1
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::rq_timeout::0
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::rq_total::2
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::hostname::
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::health_flags::healthy
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::weight::1
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::region::
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::zone::
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::sub_zone::
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::canary::false
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::priority::0
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::success_rate::-1
    sds-grpc::./var/run/secrets/workload-spiffe-uds/socket::local_origin_success_rate::-1

    """

    /// Envoy's protobuf JSON (`/clusters?format=json`): uint64 as strings, zeros and the
    /// default COUNTER type omitted, counters before gauges.
    static let json = """
    {
     "cluster_statuses": [
      {
       "name": "outbound|80||web.default.svc.cluster.local",
       "added_via_api": true,
       "host_statuses": [
        {
         "address": {"socket_address": {"address": "10.244.0.12", "port_value": 8080}},
         "stats": [
          {"name": "cx_connect_fail"},
          {"value": "17", "name": "cx_total"},
          {"value": "3", "name": "rq_error"},
          {"value": "120", "name": "rq_success"},
          {"value": "1", "name": "rq_timeout"},
          {"value": "124", "name": "rq_total"},
          {"type": "GAUGE", "value": "2", "name": "cx_active"},
          {"type": "GAUGE", "value": "1", "name": "rq_active"}
         ],
         "health_status": {"eds_health_status": "HEALTHY"},
         "success_rate": {"value": 97.5},
         "weight": 1,
         "locality": {"region": "us-east1", "zone": "us-east1-b"}
        },
        {
         "address": {"socket_address": {"address": "fd00::7", "port_value": 8080}},
         "stats": [
          {"value": "5", "name": "cx_connect_fail"},
          {"value": "5", "name": "cx_total"},
          {"value": "40", "name": "rq_error"},
          {"name": "rq_success"},
          {"name": "rq_timeout"},
          {"value": "40", "name": "rq_total"},
          {"type": "GAUGE", "name": "cx_active"},
          {"type": "GAUGE", "name": "rq_active"}
         ],
         "health_status": {"failed_outlier_check": true, "eds_health_status": "UNHEALTHY"},
         "weight": 2,
         "priority": 1,
         "locality": {}
        }
       ],
       "circuit_breakers": {
        "thresholds": [
         {"max_connections": 4294967295, "max_pending_requests": 4294967295, "max_requests": 4294967295, "max_retries": 4294967295},
         {"priority": "HIGH", "max_connections": 1024, "max_pending_requests": 1024, "max_requests": 1024, "max_retries": 3}
        ]
       },
       "observability_name": "outbound|80||web.default.svc.cluster.local",
       "eds_service_name": "outbound|80||web.default.svc.cluster.local"
      },
      {
       "name": "inbound-vip|80|http|web.default.svc.cluster.local",
       "added_via_api": true,
       "host_statuses": [
        {
         "address": {"envoy_internal_address": {"server_listener_name": "connect_originate", "endpoint_id": "10.244.0.12:8080"}},
         "stats": [
          {"name": "cx_connect_fail"},
          {"value": "1", "name": "cx_total"},
          {"name": "rq_error"},
          {"value": "9", "name": "rq_success"},
          {"name": "rq_timeout"},
          {"value": "9", "name": "rq_total"},
          {"type": "GAUGE", "value": "1", "name": "cx_active"},
          {"type": "GAUGE", "name": "rq_active"}
         ],
         "health_status": {"eds_health_status": "HEALTHY"},
         "weight": 1,
         "hostname": "web.default.svc.cluster.local",
         "locality": {}
        }
       ],
       "circuit_breakers": {
        "thresholds": [
         {"max_connections": 4294967295, "max_pending_requests": 4294967295, "max_requests": 4294967295, "max_retries": 4294967295},
         {"priority": "HIGH", "max_connections": 1024, "max_pending_requests": 1024, "max_requests": 1024, "max_retries": 3}
        ]
       },
       "observability_name": "inbound-vip|80|http|web.default.svc.cluster.local"
      },
      {
       "name": "sds-grpc",
       "host_statuses": [
        {
         "address": {"pipe": {"path": "./var/run/secrets/workload-spiffe-uds/socket"}},
         "stats": [
          {"value": "1", "name": "cx_total"},
          {"value": "1", "name": "rq_success"},
          {"value": "2", "name": "rq_total"},
          {"type": "GAUGE", "value": "1", "name": "cx_active"},
          {"type": "GAUGE", "value": "1", "name": "rq_active"}
         ],
         "health_status": {"eds_health_status": "HEALTHY"},
         "weight": 1,
         "locality": {}
        }
       ],
       "circuit_breakers": {
        "thresholds": [
         {"max_connections": 4294967295, "max_pending_requests": 4294967295, "max_requests": 4294967295, "max_retries": 4294967295},
         {"priority": "HIGH", "max_connections": 1024, "max_pending_requests": 1024, "max_requests": 1024, "max_retries": 3}
        ]
       },
       "observability_name": "sds-grpc"
      }
     ]
    }
    """

    /// istioctl's table for ``text`` (and ``json``): Go tabwriter, padding 5.
    static let istioctlTable = """
    ENDPOINT                                                STATUS        OUTLIER CHECK     CLUSTER
    10.244.0.12:8080                                        HEALTHY       OK                outbound|80||web.default.svc.cluster.local
    fd00::7:8080                                            UNHEALTHY     FAILED            outbound|80||web.default.svc.cluster.local
    unix://                                                 HEALTHY       OK                inbound-vip|80|http|web.default.svc.cluster.local
    unix://./var/run/secrets/workload-spiffe-uds/socket     HEALTHY       OK                sds-grpc

    """
}
