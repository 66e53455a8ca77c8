"""Made-up sample data in the channels' and couriers' real file layouts, for ``run.py demo``, the tests and
the benchmarks. Not part of the engine: nothing in chulgo/ imports it (jobs/demo.py, the demo command, does).

    exports.py        channel export layouts and writers, the mapping workbook
    people.py         made-up names, phones, addresses and delivery messages
    catalogue.py      the made-up shop's products, set, packs and their listings on Smartstore, Coupang, Cafe24
    orders.py         one made-up day over Smartstore, Coupang and Cafe24 (generate_day, write_day)
    more_channels.py  made-up order lines for 11번가, ESM, 토스쇼핑, 오늘의집, 롯데ON, 카카오톡 선물하기
    couriers.py       the one courier simulator (a courier's result file for our waybill request, every courier)
                      and a supplier's answer to our 발주서

Everything is deterministic for a given seed. Callers use the names below (``from chulgo import samples``).
"""

from chulgo.samples.catalogue import SHOP_NAME
from chulgo.samples.couriers import (
    COURIERS,
    mask_phone,
    tracking_numbers,
    write_courier_result,
    write_supplier_answer,
)
from chulgo.samples.exports import (
    CAFE24_HEADERS,
    COUPANG_HEADERS,
    ELEVENST_HEADERS,
    ESM_EXCHANGE_HEADERS,
    ESM_HEADERS,
    ESM_RETURN_HEADERS,
    KAKAO_GIFT_HEADERS,
    LOTTEON_HEADERS,
    MAPPING_HEADERS,
    MORE_CHANNEL_IDS,
    OHOUSE_HEADERS,
    PRODUCT_HEADERS,
    SET_HEADERS,
    SMARTSTORE_HEADERS,
    SMARTSTORE_INSTRUCTION,
    SMARTSTORE_SHORT_HEADERS,
    TOSS_HEADERS,
    UNMAPPED_HEADERS,
    write_11st_export,
    write_cafe24_export,
    write_claim_list,
    write_coupang_export,
    write_esm_export,
    write_kakao_gift_export,
    write_lotteon_export,
    write_mapping_workbook,
    write_ohouse_export,
    write_smartstore_export,
    write_toss_export,
)
from chulgo.samples.more_channels import generate_channel_rows
from chulgo.samples.orders import DEFAULT_DAY, SampleDay, generate_day, write_day

__all__ = [
    # exports
    "CAFE24_HEADERS", "COUPANG_HEADERS", "ELEVENST_HEADERS", "ESM_EXCHANGE_HEADERS", "ESM_HEADERS",
    "ESM_RETURN_HEADERS", "KAKAO_GIFT_HEADERS", "LOTTEON_HEADERS", "MAPPING_HEADERS", "MORE_CHANNEL_IDS",
    "OHOUSE_HEADERS", "PRODUCT_HEADERS", "SET_HEADERS", "SMARTSTORE_HEADERS", "SMARTSTORE_INSTRUCTION",
    "SMARTSTORE_SHORT_HEADERS", "TOSS_HEADERS", "UNMAPPED_HEADERS",
    "write_11st_export", "write_cafe24_export", "write_claim_list", "write_coupang_export", "write_esm_export",
    "write_kakao_gift_export", "write_lotteon_export", "write_mapping_workbook", "write_ohouse_export",
    "write_smartstore_export", "write_toss_export",
    # made-up days
    "DEFAULT_DAY", "SHOP_NAME", "SampleDay", "generate_day", "write_day", "generate_channel_rows",
    # couriers and suppliers
    "COURIERS", "mask_phone", "tracking_numbers", "write_courier_result", "write_supplier_answer",
]
